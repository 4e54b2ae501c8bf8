"""The pure parts of the staff screens, without a kiosk: what the search pad spells, which
presses count as a corner, what a digit pad does, how a long path is cut."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint

from kiosk.db.desk import IssuanceQuery
from kiosk.ui.staff.diagnostics import short
from kiosk.ui.staff.gesture import CORNER_PX, in_corner
from kiosk.ui.staff.parts import typed
from kiosk.ui.staff.search import SearchForm

TODAY = date(2026, 3, 2)


def press_all(form: SearchForm, keys: str) -> SearchForm:
    for key in keys:
        form = form.press(key)
    return form


def test_the_serial_pad_spells_the_serial_as_it_is_typed() -> None:
    """GIVEN the serial mode WHEN the date and the number are typed THEN the display fills in
    <code>-<date>-<number> (the number padded), a search needs more than the date, and extra
    keys beyond 13 digits are refused."""
    form = SearchForm()
    assert form.serial("610202001") == "610202001-________-_____"
    form = press_all(form, "20260302")
    assert not form.ready() and form.serial("610202001") == "610202001-20260302-_____"
    form = press_all(form, "7")
    assert form.ready() and form.serial("610202001") == "610202001-20260302-00007"
    assert form.query(TODAY, "610202001") == IssuanceQuery(
        serial="610202001-20260302-00007", limit=50
    )
    form = press_all(form, "00019999")
    assert form.digits == "2026030270001"
    assert press_all(form, "X").digits == form.digits  # no X in a serial


def test_the_id_digits_take_an_x_only_last_and_the_range_applies() -> None:
    """GIVEN the ID-digits mode WHEN 4 characters are typed THEN X counts only as the fourth;
    the query asks those digits within the chosen range (7 days: today and the 6 before)."""
    form = SearchForm(mode="id", range_key="days7")
    form = press_all(form, "X12X")
    assert form.digits == "12" and not form.ready()
    form = press_all(form, "3X")
    assert form.digits == "123X" and form.ready()
    query = form.query(TODAY, "610202001")
    assert (query.id_last4, query.since, query.until) == ("123X", date(2026, 2, 24), TODAY)


def test_an_item_search_needs_an_item_or_a_range() -> None:
    form = SearchForm(mode="item")
    assert not form.ready()
    assert SearchForm(mode="item", range_key="today").ready()
    query = SearchForm(mode="item", item_id="residence_certificate").query(TODAY, "x")
    assert (query.item_id, query.since, query.until) == ("residence_certificate", None, None)


def test_only_the_four_corner_squares_count() -> None:
    width, height, edge = 1920, 900, CORNER_PX
    for x, y in ((0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1), (edge - 1, 5)):
        assert in_corner(QPoint(x, y), width, height), (x, y)
    for x, y in ((edge, 5), (width // 2, height // 2), (5, edge), (-1, 0), (width, height)):
        assert not in_corner(QPoint(x, y), width, height), (x, y)


def test_a_digit_pad_adds_deletes_clears_and_stops_at_its_length() -> None:
    assert typed("12", "3", 4) == "123"
    assert typed("1234", "5", 4) == "1234"
    assert typed("123", "back", 4) == "12"
    assert typed("123", "clear", 4) == ""


def test_long_paths_are_cut_in_the_middle_to_fit_a_line() -> None:
    path = "/var/lib/community-kiosk/" + "x" * 80 + "/printed"
    cut = short(path)
    assert len(cut) == 56 and cut.startswith("/var/lib/") and cut.endswith("x/printed")
    assert short("/short/path") == "/short/path"
