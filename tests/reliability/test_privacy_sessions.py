"""Privacy after real sessions (issue 14, B.4): the kiosk as `kiosk run` builds it (build_kiosk,
start_kiosk: session machine, ReaderWatcher and Qt bridge, worker, window offscreen), the SAM
reader emulator reading demo residents' cards (photo block included) through the real `sam://`
driver, papers printed by the real file printer, the staff log as `kiosk run` writes it.

One module-scoped run serves a dozen visits that end every way a visit ends (card taken at the
menu, on the done screen and mid-print, 退出, time out, completion with a rating, a crash
recovery, refused cards); each test then looks at one place a full ID number, her particulars
or her photo must never be.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from card_reader.base import Identity
from card_reader.emulators.sam_emulator import fake_photo
from civic.idnumber import mask_id_number
from kiosk.backend import IssueRequest
from kiosk.benchmarks.soak import soak_kiosk
from kiosk.benchmarks.soak_visit import Visit
from kiosk.cli import LOG_FORMAT
from kiosk.commands.run import log_to_files
from kiosk.db.models import AuditEvent
from kiosk.residents import ResidentRecord
from kiosk.view import Draft, Preview, ResidentSummary
from tests.kiosk.conftest import make_config
from tests.reliability.privacy_scan import (
    DEMO_NUMBERS,
    Particulars,
    files_outside_register,
    full_numbers_in,
    image_files,
    leftovers,
    masked_in_payload,
    payload_leaks,
    pdf_words,
    photo_hits,
    qr_texts,
    rows_outside_register,
    texts_on_screen,
    view_leftovers,
)

pytestmark = [pytest.mark.slow, pytest.mark.stacks]

LOGGERS = ("kiosk", "card_reader", "printer", "forms")
# what a widget must never keep once her visit is over
HELD = (ResidentSummary, ResidentRecord, Identity, Draft, Preview, IssueRequest)


class _Records(logging.Handler):
    """Every record as the terminal (journald under systemd) gets it: formatted, unmasked."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class Served:
    """What the visits left behind, and what was seen while they ran."""

    data: Path  # the kiosk's data dir
    elsewhere: list[Path]  # the process's temp dir and XDG dirs while the kiosk ran
    numbers: frozenset[str]  # the register's numbers and every card's
    photos: list[bytes]
    log_lines: list[str] = field(default_factory=list)
    screens: int = 0  # views rendered and read
    on_screen: list[str] = field(default_factory=list)  # full numbers shown, with the step
    masked_seen: set[str] = field(default_factory=set)
    ends: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.data / "bench.sqlite3"

    def pdfs(self) -> list[Path]:
        return sorted((self.data / "printed").glob("*.pdf"))


def _particulars(visit: Visit, card: Identity) -> Particulars:
    resident = visit.running.core.lookup(card.id_number)
    assert resident is not None
    return Particulars(
        resident.name, resident.id_number, resident.address, resident.birth_date, resident.phone
    )


def _check_end(visit: Visit, served: Served, card: Identity, end: str) -> None:
    """After an end: nothing of her in any widget, in the view or the session's state."""
    who = _particulars(visit, card)
    found = leftovers(visit.running.window, who, HELD)
    found += view_leftovers(visit.running.session.view, who)
    served.ends.append(end)
    served.left += [f"{end}: {problem}" for problem in found]


def _watch_screens(visit: Visit, served: Served) -> None:
    """Read every screen the window renders (after it rendered: the window's slot runs first)."""
    window = visit.running.window

    def read(view: object) -> None:
        text = texts_on_screen(window)
        served.screens += 1
        for number in full_numbers_in(text, served.numbers):
            served.on_screen.append(f"{visit.running.session.step}: {number}")
        served.masked_seen.update(m for m in map(mask_id_number, served.numbers) if m in text)

    visit.running.session.view_changed.connect(read)


def _done_then_card_taken(visit: Visit, served: Served, card: Identity, item: str) -> None:
    """Her paper printed; she takes her card on the done screen, then rates."""
    window = visit.running.window
    visit.place(card)
    visit.open_item(item)
    visit.draft()
    window.confirm.confirm_button.click()
    visit.pump(visit.at("done"), "the done screen")
    visit.devices.remove()
    visit.pump(lambda: visit.running.session.view.resident is None, "her particulars wiped")
    _check_end(visit, served, card, "card taken on the done screen")
    window.done.button.click()
    visit.pump(visit.at("rating"), "好差评")
    window.rating.skip.click()
    visit.pump(visit.at("waiting"), "the attract screen")


def _card_taken_mid_print(visit: Visit, served: Served, card: Identity, item: str) -> None:
    """She takes her card while her paper prints: the print finishes, her particulars go."""
    window = visit.running.window
    visit.place(card)
    visit.open_item(item)
    visit.draft()
    window.confirm.confirm_button.click()
    visit.devices.remove()
    visit.pump(visit.at("done"), "the done screen")
    _check_end(visit, served, card, "card taken mid-print")
    window.done.button.click()
    visit.pump(visit.at("rating"), "好差评")
    window.rating.skip.click()
    visit.pump(visit.at("waiting"), "the attract screen")


def _crash_recovered(visit: Visit, served: Served, card: Identity, item: str) -> None:
    """A slot raised mid-visit: lockdown's recovery ends the session (`end("crash")`)."""
    visit.place(card)
    visit.open_item(item)
    visit.running.session.end("crash")
    visit.pump(visit.at("card_left"), "请取走您的身份证")
    visit.leave()


def _visits(visit: Visit, served: Served) -> None:
    first, second, third = visit.visitors[:3]
    for scenario, who in (
        ("browse", first),
        ("exit", second),
        ("timeout", third),
        ("draft", first),
        ("print", second),  # A4
        ("print", third),  # a slip
        ("stranger", first),
        ("expired", second),
        ("unreadable", third),
    ):
        visit.run(scenario, who)
        _check_end(visit, served, who.card, scenario)
    _done_then_card_taken(visit, served, first.card, first.slip_item)
    _check_end(visit, served, first.card, "done, then rated")
    _card_taken_mid_print(visit, served, second.card, second.a4_item)
    _check_end(visit, served, second.card, "mid-print, then rated")
    _crash_recovered(visit, served, third.card, third.a4_item)
    _check_end(visit, served, third.card, "crash recovery")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A dozen visits on the real kiosk; the staff log, the temp and XDG dirs its own."""
    root = tmp_path_factory.mktemp("privacy")
    data, temp, xdg = root / "data", root / "tmp", root / "xdg"
    for folder in (data, temp, xdg):
        folder.mkdir()
    handler = _Records()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    before = {id(h) for lg in loggers for h in lg.handlers}
    levels = [lg.level for lg in loggers]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(temp))
        patch.setenv("TMPDIR", str(temp))
        for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            patch.setenv(name, str(xdg / name.lower()))
        log_to_files(data)
        logging.getLogger().addHandler(handler)
        for lg in loggers:
            lg.setLevel(logging.DEBUG)
        try:
            with soak_kiosk(make_config(root / "unused"), data, slips_on_file=True) as visit:
                cards = [v.card for v in visit.visitors[:3]]
                numbers = DEMO_NUMBERS | {c.id_number for c in (*cards, visit.stranger)}
                served = Served(data, [temp, xdg], numbers, [fake_photo(c) for c in cards])
                _watch_screens(visit, served)
                _visits(visit, served)
            served.log_lines = handler.lines
        finally:
            logging.getLogger().removeHandler(handler)
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)
                for extra in [h for h in lg.handlers if id(h) not in before]:
                    lg.removeHandler(extra)
                    extra.close()
    yield served


def test_no_full_number_in_the_log(served: Served) -> None:
    """GIVEN a dozen visits with every log record kept, unmasked, at DEBUG WHEN the records and
    the staff log (kiosk.log, as `kiosk run` writes it) are read THEN no full ID number of any
    resident or card is in either, and the masked ones are (the log did speak of them)."""
    records = "\n".join(served.log_lines)
    staff_log = "".join(
        p.read_text(encoding="utf-8") for p in sorted((served.data / "logs").glob("kiosk.log*"))
    )
    assert full_numbers_in(records, served.numbers) == set()
    assert full_numbers_in(staff_log, served.numbers) == set()
    assert "session start for" in staff_log and "********" in staff_log


def test_no_full_number_in_audit_rows_or_any_table_but_the_register(served: Served) -> None:
    """GIVEN the visits' issuances, print outcomes, ratings and session logs WHEN every row of
    every table but `residents` and `staff_accounts` is read THEN none holds a full number."""
    engine = create_engine(f"sqlite:///{served.database}")
    try:
        with engine.connect() as connection:
            kinds = set(connection.scalars(select(AuditEvent.kind)))
        leaks = [
            (table, sorted(full_numbers_in(row, served.numbers)))
            for table, row in rows_outside_register(engine)
            if full_numbers_in(row, served.numbers)
        ]
    finally:
        engine.dispose()
    assert {"issued", "printed"} <= kinds, kinds
    assert leaks == []


def test_no_full_number_in_any_file_but_the_database(served: Served) -> None:
    """GIVEN the data dir after the visits WHEN every file but the SQLite database is read as
    bytes (logs, PDFs, the print-outcome journal, caches, keys) THEN none holds a full number."""
    leaks = {
        str(path.relative_to(served.data)): found
        for path in files_outside_register(served.data, served.database)
        if (found := full_numbers_in(path.read_bytes().decode("latin-1"), served.numbers))
    }
    assert leaks == {}


def test_printed_papers_and_their_qr_show_only_the_masked_number(
    served: Served, tmp_path: Path
) -> None:
    """GIVEN the papers printed (A4 and slips, as PDFs) WHEN their text and metadata are read
    and their QR codes scanned from a 200 dpi rendering THEN no full number is on them or in
    the QR payload (its text, its bytes as ASCII or BCD); the payload's masked number is one of
    the cards' and the page shows it."""
    pdfs = served.pdfs()
    assert len(pdfs) >= 4
    masked = {mask_id_number(n) for n in served.numbers}
    for pdf in pdfs:
        words = pdf_words(pdf)
        assert full_numbers_in(words, served.numbers) == set(), pdf.name
        payloads = qr_texts(pdf, tmp_path)
        assert payloads, f"no QR code read on {pdf.name}"
        for payload in payloads:
            assert payload_leaks(payload, served.numbers) == [], pdf.name
            shown = masked_in_payload(payload)
            assert shown in masked and shown in words.replace(" ", ""), pdf.name


def test_screens_show_the_masked_number_never_the_full_one(served: Served) -> None:
    """GIVEN every view the window rendered during the visits WHEN the words of every visible
    widget (text, accessible name and description, tooltip) are read THEN a full number never
    showed, and the masked one did (the menu greets her with it)."""
    assert served.screens > 50
    assert served.on_screen == []
    assert served.masked_seen


def test_nothing_of_her_is_left_in_the_window_after_her_visit(served: Served) -> None:
    """GIVEN each way a visit ends (card taken at the menu, on the done screen, mid-print; 退出;
    time out; completion and rating; a crash recovery; refused cards) WHEN the whole widget tree
    (hidden pages too), each widget's attributes and the SessionView are walked THEN none holds
    her name, number (full or masked), address, birth date or phone, nor a picture of her paper."""
    assert len(served.ends) == 14
    assert served.left == [], "\n".join(served.left)


def test_the_card_photo_is_never_written(served: Served) -> None:
    """GIVEN cards whose photo block the reader driver read on every visit WHEN the data dir,
    the process's temp dir and its XDG dirs are searched THEN no file holds a photo's bytes and
    no picture file was written at all."""
    folders = [served.data, *served.elsewhere]
    assert all(len(photo) == 1024 for photo in served.photos)
    assert photo_hits(folders, served.photos) == []
    assert image_files(folders) == []
