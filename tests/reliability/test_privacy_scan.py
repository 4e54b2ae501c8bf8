"""The privacy scans find what they look for (a scan that never finds anything proves nothing):
each is shown a planted full number, particular, picture or photo and must name it."""

from __future__ import annotations

import base64
from datetime import date
from pathlib import Path

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QLineEdit, QStackedWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from card_reader.emulators.sam_emulator import fake_photo
from card_reader.emulators.samples import resident
from card_reader.textblock import encode_text_block
from civic.idnumber import mask_id_number
from kiosk.ui.result import Picture
from kiosk.view import ResidentSummary
from tests.reliability.privacy_scan import (
    DEMO_NUMBERS,
    Particulars,
    bcd,
    full_numbers_in,
    image_files,
    leftovers,
    payload_leaks,
    photo_hits,
    texts_on_screen,
    unmasked_in_logs,
)

NUMBER = "610202194303080024"  # the first demo resident's
WANG = Particulars(
    "张秀兰", NUMBER, "陕西省铜川市王益区红旗街道幸福路12号", date(1943, 3, 8), "13800000000"
)


def test_full_numbers_are_found_however_they_are_written() -> None:
    """GIVEN a demo number plain, inside a longer digit run, as UTF-16 and as a bytes repr, and
    masked WHEN scanned THEN the first four are found and the masked one is not."""
    assert NUMBER in DEMO_NUMBERS and len(DEMO_NUMBERS) == 600
    utf16 = NUMBER.encode("utf-16-le").decode("latin-1")
    for text in (f"id={NUMBER}", f"9{NUMBER}7", utf16, repr(NUMBER.encode("utf-16-le"))):
        assert full_numbers_in(text, DEMO_NUMBERS) == {NUMBER}, text
    assert full_numbers_in(f"id={mask_id_number(NUMBER)}", DEMO_NUMBERS) == set()


def test_a_payload_with_the_number_in_its_bytes_is_caught() -> None:
    """GIVEN payload texts holding a number as BCD, as ASCII, or only masked WHEN checked THEN the
    first two leak and the last does not."""

    def link(raw: bytes) -> str:
        return "http://127.0.0.1:8470/v/#" + base64.b32encode(raw).decode().rstrip("=")

    assert payload_leaks(link(b"\x02\x00" + bcd(NUMBER)), DEMO_NUMBERS)
    assert payload_leaks(link(b"\x02" + NUMBER.encode()), DEMO_NUMBERS)
    assert payload_leaks(link(b"\x02\x00" + bcd(NUMBER[:6] + NUMBER[-4:])), DEMO_NUMBERS) == []


def test_the_photo_and_pictures_are_found_on_disk(tmp_path: Path) -> None:
    """GIVEN a file holding a card's photo among other bytes, and a PNG WHEN the folder is
    searched THEN both are named."""
    card = resident()
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "blob").write_bytes(b"x" * 100 + fake_photo(card) + b"y")
    (tmp_path / "shot.PNG").write_bytes(b"\x89PNG")
    assert photo_hits([tmp_path], [fake_photo(card)]) == [str(tmp_path / "cache" / "blob")]
    assert image_files([tmp_path]) == [str(tmp_path / "shot.PNG")]
    assert full_numbers_in(encode_text_block(card).decode("latin-1"), {card.id_number})


def test_a_full_number_in_a_kiosk_log_rotation_is_found(tmp_path: Path) -> None:
    """GIVEN kiosk.log (masked) and kiosk.log.1 (a full number) WHEN the logs are scanned THEN
    only the rotation is named."""
    logs = tmp_path / "t0" / "logs"
    logs.mkdir(parents=True)
    (logs / "kiosk.log").write_text(f"ok {mask_id_number(NUMBER)}\n", encoding="utf-8")
    (logs / "kiosk.log.1").write_text(f"bad {NUMBER}\n", encoding="utf-8")
    assert unmasked_in_logs(tmp_path) == {"t0/logs/kiosk.log.1": {NUMBER}}


def test_leftovers_in_hidden_widgets_are_found(qtbot: QtBot) -> None:
    """GIVEN a window whose hidden stack page has her name in a line edit, her masked number as a
    label's accessible name, a picture of her paper and her summary in an attribute WHEN walked
    THEN each is named; on screen only the visible page's words show."""
    window = QWidget()
    qtbot.addWidget(window)
    stack = QStackedWidget()
    QVBoxLayout(window).addWidget(stack)
    shown, hidden = QLabel("请选择要办理的事项"), QWidget()
    stack.addWidget(shown)
    stack.addWidget(hidden)
    edit = QLineEdit(WANG.name, hidden)
    masked = QLabel("", hidden)
    masked.setAccessibleName(mask_id_number(NUMBER))
    picture = Picture(100, hidden)
    picture.setPixmap(QPixmap(10, 10))
    hidden.summary = ResidentSummary(WANG.name, mask_id_number(NUMBER), "幸福社区")  # type: ignore[attr-defined]
    window.show()
    found = "\n".join(leftovers(window, WANG, (ResidentSummary,)))
    assert "QLineEdit" in found and ": name" in found and ": masked_id" in found
    assert "a picture of her document" in found and ".summary: ResidentSummary" in found
    on_screen = texts_on_screen(window)
    assert "请选择要办理的事项" in on_screen and WANG.name not in on_screen
    assert edit.text() == WANG.name
