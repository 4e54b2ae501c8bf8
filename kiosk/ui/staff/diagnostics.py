"""设备诊断 in one screen: reader, printers (each with a test page), database, catalogue (with
重新加载目录: a broken file is refused, the old catalogue stays, the reasons name the YAML lines),
signing key, disk, version; the last 20 errors; the open call-staff alerts with 确认."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.staff.accounts import Role
from kiosk.staff.diagnostics import Diagnostics, PrinterReport
from kiosk.staff.reload import CatalogReload
from kiosk.ui.staff.calls import CallsList
from kiosk.ui.staff.parts import Notice, sbutton, set_label, slabel
from kiosk.ui.staff.services import Services, Staff
from kiosk.ui.staff.words import bi, word
from kiosk.view import Message

ROLES = ("a4", "slip")
ERRORS_PER_PAGE = 6
PROBLEMS_SHOWN = 4


def take(services: Services) -> Diagnostics:
    """Everything diagnostics show (worker: asks each printer and the database)."""
    from kiosk.staff.diagnostics import diagnostics

    return diagnostics(services.core, reader_state=services.reader_state, clock=services.clock)


def size_text(free: int | None) -> str:
    """Free bytes in GB (or — when unknown)."""
    return "—" if free is None else f"{free / 1_000_000_000:.1f} GB"


def short(text: str, most: int = 56) -> str:
    """A long path or URL cut in the middle, so each line fits its column."""
    return text if len(text) <= most else f"{text[: most // 3]}…{text[-(most - most // 3 - 1) :]}"


def printer_text(report: PrinterReport) -> str:
    """One printer: state in words, its reasons; what it says; its URI (unless said already)."""
    reasons = f"（{', '.join(report.reasons)}）" if report.reasons else ""
    mark = "✓" if report.can_print else "✗"
    said = report.staff_message or report.error
    lines = [f"{mark} {report.message_zh} [{report.state}]{reasons}", short(said)]
    target = urlsplit(report.uri).path or report.uri
    if target not in said:
        lines.append(short(report.uri))
    return "\n".join(lines)


def summary(report: Diagnostics) -> dict[str, str]:
    """The value of each part shown beside its name: reader, database, catalogue, key, host."""
    reader, db, catalog = report.reader, report.database, report.catalog
    details = "　".join(f"{k}={v}" for k, v in reader.details)
    latency = f"{db.latency_ms:.1f} ms" if db.latency_ms is not None else "—"
    schema = db.revision or "—"
    if db.revision != db.expected_revision:
        schema += f"（应为 expected {db.expected_revision}）"
    read = reader.error or reader.test_read
    return {
        "reader": f"{reader.driver}　{reader.port}　[{reader.state}]"
        + (f"　{details}" if details else "")
        + (f"\n{read}" if read else ""),
        "database": f"{'✓' if db.reachable else '✗ ' + db.error}　{latency}　schema {schema}"
        f"\n{short(db.url)}",
        "catalog": f"{catalog.items}项 items　sha256 {catalog.digest[:16]}"
        f"　{catalog.locality or ''}{catalog.error}\n{short(catalog.path)}",
        "key": report.key_fingerprint or report.key_error,
        "host": f"{bi('disk', ' ')} {size_text(report.free_disk_bytes)}"
        f"　{bi('version', ' ')} {report.version}\n{report.terminal_id}　{short(report.data_dir, 40)}",
    }


PARTS = {
    "reader": bi("reader", "\n"),
    "a4": "A4打印机\nA4 printer",
    "slip": "小票打印机\nSlip printer",
    "database": bi("database", "\n"),
    "catalog": bi("catalog", "\n"),
    "key": bi("key", "\n"),
    "host": "本机\nThis kiosk",
}


def reload_words(result: CatalogReload) -> tuple[Message, str]:
    """What a reload did, and (refused) the problems with their YAML lines."""
    if not result.accepted:
        shown = "\n".join(result.problems[:PROBLEMS_SHOWN])
        more = len(result.problems) - PROBLEMS_SHOWN
        return word("reload_refused"), shown + (f"\n…（+{more}）" if more > 0 else "")
    if result.changed:
        return word("reload_ok", items=len(result.catalog.items)), ""
    return word("reload_same"), ""


class DiagnosticsScreen(QWidget):
    """The whole kiosk's state, and what staff can do about it."""

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.report: Diagnostics | None = None
        self.errors: tuple[str, ...] = ()
        self.error_page = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(30, 12, 30, 12)
        row.setSpacing(30)
        left = QVBoxLayout()
        top = QHBoxLayout()
        self.health = Notice()
        self.refresh = sbutton(bi("refresh", " "))
        self.refresh.clicked.connect(lambda _c=False: self.load())
        top.addWidget(self.health, 1)
        top.addWidget(self.refresh)
        left.addLayout(top)
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(12)
        self.values: dict[str, QLabel] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        for index, (part, name) in enumerate(PARTS.items()):
            key = slabel(name, "staffKeyLabel", wrap=False)
            grid.addWidget(key, index, 0, Qt.AlignmentFlag.AlignTop)
            value = slabel("", "staffInfo", wrap=False)  # lines made short enough (`short`)
            grid.addWidget(value, index, 1, Qt.AlignmentFlag.AlignTop)
            self.values[part] = value
            if part in ROLES:
                test = sbutton(bi("test_page", "\n"))
                test.clicked.connect(lambda _c=False, r=part: self.test_page(r))
                grid.addWidget(test, index, 2, Qt.AlignmentFlag.AlignTop)
                self.test_buttons[part] = test
        grid.setColumnStretch(1, 1)
        left.addLayout(grid)
        self.reload = sbutton(bi("reload", " "), "staffPrimary")
        self.reload.clicked.connect(lambda _c=False: self.do_reload())
        self.reload_notice = Notice()
        self.problems = slabel("", "staffSmall")
        left.addWidget(self.reload)
        left.addWidget(self.reload_notice)
        left.addWidget(self.problems)
        left.addStretch(1)
        row.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(slabel(bi("errors", " · "), "staffHeading"))
        self.error_lines = slabel("", "staffSmall")
        self.error_lines.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        right.addWidget(self.error_lines, 1)
        pager = QHBoxLayout()
        self.older = sbutton(bi("prev", " "))
        self.newer = sbutton(bi("next", " "))
        self.older.clicked.connect(lambda _c=False: self._errors_page(self.error_page - 1))
        self.newer.clicked.connect(lambda _c=False: self._errors_page(self.error_page + 1))
        pager.addWidget(self.older)
        pager.addWidget(self.newer)
        right.addLayout(pager)
        self.calls = CallsList(staff, per_page=3)
        right.addWidget(self.calls)
        row.addLayout(right, 2)

    def enter(self) -> None:
        """Shown: take the diagnostics (重新加载目录 is for administrators)."""
        self.reload_notice.clear_text()
        set_label(self.problems, "")
        self.reload.setEnabled(self._admin())
        if not self._admin():
            self.reload_notice.say(word("admin_only"))
        self.load()

    def _admin(self) -> bool:
        member = self.staff.member
        return member is not None and member.role == Role.ADMIN

    def load(self) -> None:
        """Take the diagnostics again (and the open alerts)."""
        self.staff.run(take, self.show_report)
        self.calls.load()

    def show_report(self, report: Diagnostics) -> None:
        """Draw one report."""
        self.report = report
        self.health.say(word("healthy" if report.healthy else "unhealthy"),
                        "ok" if report.healthy else "error")  # fmt: skip
        shown = {p.role: p for p in report.printers}
        for role, button in self.test_buttons.items():
            printer = shown.get(role)
            set_label(self.values[role], printer_text(printer) if printer else "—")
            button.setEnabled(printer is not None and not printer.error)
        for part, text in summary(report).items():
            set_label(self.values[part], text)
        self.errors = tuple(reversed(report.recent_errors))  # newest first
        self._errors_page(0)

    def test_page(self, role: str) -> None:
        """打印测试页 on one printer (audited), then look again."""
        member = self.staff.member
        if member is None:
            return

        def work(services: Services) -> str:
            from kiosk.staff.diagnostics import print_test_page

            core = services.core
            return print_test_page(
                core.printers[role],
                role=role,
                slip_paper=core.config.printers.slip_paper,
                sessions=core.sessions,
                terminal_id=services.terminal_id,
                actor=member.actor,
                now=services.clock(),
            )

        def done(state: str) -> None:
            self.staff.say(word("test_printed", state=state), "ok")
            self.load()

        def failed(exc: Exception) -> None:
            self.staff.fail(exc)
            self.load()

        self.staff.run(work, done, failed)

    def do_reload(self) -> None:
        """重新加载目录."""
        member = self.staff.member
        if member is None or not self._admin():
            return
        self.reload.setEnabled(False)
        self.reload_notice.say(word("working"))
        self.staff.run(lambda s: s.reload_catalog(member.actor), self.show_reload, self._failed)

    def show_reload(self, result: CatalogReload) -> None:
        """Say what the reload did; refused: why, with the YAML lines."""
        self.reload.setEnabled(True)
        message, problems = reload_words(result)
        self.reload_notice.say(message, "ok" if result.accepted else "error")
        set_label(self.problems, problems)
        self.staff.run(take, self.show_report)

    def _failed(self, exc: Exception) -> None:
        self.reload.setEnabled(True)
        self.reload_notice.fail(exc)

    def _errors_page(self, page: int) -> None:
        pages = max(1, -(-len(self.errors) // ERRORS_PER_PAGE))
        self.error_page = min(max(page, 0), pages - 1)
        start = self.error_page * ERRORS_PER_PAGE
        shown: Sequence[str] = self.errors[start : start + ERRORS_PER_PAGE]
        set_label(self.error_lines, "\n".join(shown) if shown else bi("no_errors", " · "))
        self.older.setEnabled(self.error_page > 0)
        self.newer.setEnabled(self.error_page + 1 < pages)
        self.older.setVisible(pages > 1)
        self.newer.setVisible(pages > 1)
