"""Where a resident's full ID number, her particulars and her card photo must never be, and the
scans that look there (issue 14, B.4): log text, database rows other than the register, PDF text
and metadata, the QR payload, the text widgets show or say, the whole widget tree once a session
has ended, and files on disk.

Only the register (the `residents` and `staff_accounts` tables, the CSV files it is imported
from) may hold a full number: everything here is compared against the numbers of the demo
register (`DEMO_NUMBERS`) and of the cards a test used.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import subprocess
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from _pytest.terminal import TerminalReporter
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from sqlalchemy import Engine, MetaData, select

from civic.idnumber import mask_id_number
from forms.payload import decode
from kiosk.demo_data import generate_residents
from kiosk.ui.result import Picture

DEMO_NUMBERS = frozenset(person.id_number for person in generate_residents())
# every table but the register: none of these may hold a full ID number
REGISTER_TABLES = frozenset({"residents", "staff_accounts"})
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".wlt")
_CANDIDATE = re.compile(r"(?=([0-9]{17}[0-9Xx]))")  # overlapping: a number inside a longer run


def full_numbers_in(text: str, numbers: Collection[str]) -> set[str]:
    """The numbers of `numbers` that appear whole in `text` (masked ones do not count), also
    inside longer digit runs and as UTF-16 (a card's text block, raw or as a bytes repr)."""
    found = set()
    for variant in (text, text.replace("\x00", ""), text.replace("\\x00", "")):
        found |= {hit.upper() for hit in _CANDIDATE.findall(variant)}
    return found & set(numbers)


@dataclass(frozen=True)
class Particulars:
    """What the screen may show of a resident while she is served, and never after."""

    name: str
    id_number: str
    address: str
    birth_date: date
    phone: str | None

    def strings(self) -> dict[str, str]:
        """Each particular as text, the birth date in every way the kiosk writes dates."""
        d = self.birth_date
        found = {
            "name": self.name,
            "id_number": self.id_number,
            "masked_id": mask_id_number(self.id_number),
            "address": self.address,
            "birth_date": f"{d:%Y-%m-%d}",
            "birth_date_zh": f"{d.year}年{d.month}月{d.day}日",
            "birth_date_zh0": f"{d:%Y年%m月%d日}",
            "birth_date_digits": f"{d:%Y%m%d}",
            "birth_date_dots": f"{d:%Y.%m.%d}",
        }
        if self.phone:
            found["phone"] = self.phone
        return found


# --- logs and rows ---------------------------------------------------------------------------
def rows_outside_register(engine: Engine) -> Iterator[tuple[str, str]]:
    """(table, row as JSON) for every row of every table but the register."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name in REGISTER_TABLES:
                continue
            for row in connection.execute(select(table)):
                yield table.name, json.dumps(dict(row._mapping), default=str, ensure_ascii=False)


def files_outside_register(folder: Path, database: Path | None) -> Iterator[Path]:
    """Every file under `folder` but the database (and its journals): logs, PDFs, caches, keys."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not (database and path.name.startswith(database.name)):
            yield path


# --- documents -------------------------------------------------------------------------------
def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_words(pdf: Path) -> str:
    """The PDF's text layer and its metadata (title, subject, keywords: the QR link is there)."""
    return _run("pdftotext", "-layout", str(pdf), "-") + _run("pdfinfo", str(pdf))


def qr_texts(pdf: Path, scratch: Path) -> list[str]:
    """What a phone camera reads from the QR codes on the PDF's pages (zbarimg on pdftoppm)."""
    scratch.mkdir(parents=True, exist_ok=True)
    prefix = scratch / pdf.stem
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(prefix)], check=True)
    texts = []
    for page in sorted(scratch.glob(f"{pdf.stem}*.png")):
        found = subprocess.run(
            ["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True, check=False
        )
        texts += [line for line in found.stdout.splitlines() if line.strip()]
        page.unlink()
    return texts


def bcd(number: str) -> bytes:
    """A number as BCD nibbles, the way the payload packs the masked number's digits."""
    digits = number.upper().replace("X", ":")  # X = 0xA
    nibbles = [ord(c) - ord("0") for c in digits] + ([0] if len(digits) % 2 else [])
    return bytes(hi << 4 | lo for hi, lo in zip(nibbles[::2], nibbles[1::2], strict=True))


def payload_leaks(text: str, numbers: Collection[str]) -> list[str]:
    """Why a QR text gives a full number away: in its text, or in its bytes as ASCII or BCD."""
    leaks = [f"text holds {n}" for n in full_numbers_in(text, numbers)]
    fragment = text.rsplit("#", 1)[-1]
    raw = base64.b32decode(fragment + "=" * (-len(fragment) % 8))
    for number in numbers:
        if number.encode("ascii") in raw or bcd(number) in raw or bcd(number[:17]) in raw:
            leaks.append(f"payload bytes hold {number}")
    return leaks


def masked_in_payload(text: str) -> str:
    """The masked number the payload carries."""
    return decode(text).fields.masked_id


# --- widgets ---------------------------------------------------------------------------------
_TEXT_METHODS = ("text", "placeholderText", "toPlainText", "currentText", "windowTitle")
_ACCESSIBLE = ("accessibleName", "accessibleDescription", "toolTip", "statusTip", "whatsThis")


def widget_strings(widget: QWidget) -> list[str]:
    """Everything a widget draws or says: its text, its accessible words and tips."""
    found = []
    for method in _TEXT_METHODS + _ACCESSIBLE:
        value = getattr(widget, method, None)
        if callable(value):
            text = value()
            if isinstance(text, str) and text:
                found.append(text)
    if isinstance(widget, QComboBox):
        found += [widget.itemText(i) for i in range(widget.count())]
    return found


def window_widgets(window: QWidget, *, visible_only: bool) -> list[QWidget]:
    """The window and every widget in it (hidden pages of stacks too, unless `visible_only`),
    and any other visible top-level widget (a popup)."""
    widgets = [window, *window.findChildren(QWidget)]
    app = QApplication.instance()
    if isinstance(app, QApplication):
        widgets += [w for w in app.topLevelWidgets() if w.isVisible() and w is not window]
    return [w for w in widgets if w.isVisible()] if visible_only else widgets


def texts_on_screen(window: QWidget) -> str:
    """What a screenshot of the window shows, as text: every visible widget's words."""
    return "\n".join(
        s for w in window_widgets(window, visible_only=True) for s in widget_strings(w)
    )


def leftovers(window: QWidget, particulars: Particulars, held: tuple[type, ...]) -> list[str]:
    """What of a resident is still anywhere in the window's widget tree: her particulars in any
    widget's words, a picture of her document, or an object about her in a widget's attributes."""
    strings = particulars.strings()
    found = []
    for widget in window_widgets(window, visible_only=False):
        where = f"{type(widget).__name__} {widget.objectName()!r}"
        for text in widget_strings(widget):
            found += [f"{where}: {key}" for key, value in strings.items() if value in text]
        if isinstance(widget, Picture) and not widget.pixmap().isNull():
            found.append(f"{where}: a picture of her document")
        for name, value in vars(widget).items():
            if any(isinstance(v, held) for v in _flat(value)):
                found.append(f"{where}.{name}: {type(value).__name__}")
    return found


def view_leftovers(view: object, particulars: Particulars) -> list[str]:
    """Her particulars anywhere in a SessionView's fields (the catalogue aside)."""
    strings = particulars.strings()
    found = []
    assert dataclasses.is_dataclass(view)
    for f in dataclasses.fields(view):
        if f.name == "catalog":
            continue
        text = repr(getattr(view, f.name))
        found += [f"view.{f.name}: {key}" for key, value in strings.items() if value in text]
    return found


def _flat(value: object) -> Iterable[object]:
    if isinstance(value, dict):
        return [value, *value.values(), *value.keys()]
    if isinstance(value, list | tuple | set | frozenset):
        return [value, *value]
    return [value]


# --- the card photo --------------------------------------------------------------------------
def photo_hits(folders: Iterable[Path], photos: Iterable[bytes]) -> list[str]:
    """Files under `folders` holding any card photo (its first 64 bytes past the header)."""
    marks = [photo[4:68] for photo in photos]
    hits = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                hits += [str(path) for mark in marks if mark in data]
    return hits


def image_files(folders: Iterable[Path]) -> list[str]:
    """Any picture file under `folders` (the kiosk writes none: a photo must never land)."""
    return [
        str(path)
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES
    ]


# --- the session-wide scan (a pytest plugin: `pytest -p tests.reliability.privacy_scan`) ----
def unmasked_in_logs(root: Path, numbers: Collection[str] = DEMO_NUMBERS) -> dict[str, set[str]]:
    """kiosk.log files (and rotations) under `root` holding a full number of `numbers`."""
    found = {}
    for path in sorted(root.rglob("kiosk.log*")):
        if path.is_file():
            hits = full_numbers_in(path.read_text(encoding="utf-8", errors="replace"), numbers)
            if hits:
                found[str(path.relative_to(root))] = hits
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After a run that passed: every kiosk.log any test left under the base temp dir must hold
    no full number of a demo-register resident; if one does, the run fails and says where."""
    if exitstatus != 0:
        return
    basetemp = session.config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    found = unmasked_in_logs(basetemp)
    if found:
        session.config.stash[_FOUND] = found
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    """Name the logs the session-wide scan found full numbers in."""
    found = terminalreporter.config.stash.get(_FOUND, {})
    if found:
        terminalreporter.section("privacy: full ID numbers in kiosk.log", red=True)
        for path, numbers in found.items():
            masked = ", ".join(sorted(mask_id_number(n) for n in numbers))
            terminalreporter.line(f"{path}: {masked}")


_FOUND = pytest.StashKey[dict[str, set[str]]]()
