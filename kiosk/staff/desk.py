"""Reprint and void for staff: the queue of failed and unfinished papers, search, a reprint of
the same document marked 补打 n (through the issuer's deterministic render), and voiding.

Every call runs on the worker thread (SQL, rendering, printing) and returns frozen records.
Refusals are StaffErrors with one clear bilingual line: unknown serial, voided, a reason missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from civic.crashpoints import crashpoint
from kiosk.db.desk import QUEUE_STATUSES, DeskRepository, IssuanceQuery, IssuanceRow
from kiosk.db.repositories import AuditRepository
from kiosk.staff.accounts import StaffMember
from kiosk.staff.errors import NotReprintableError, UnknownSerialError, VoidedError
from kiosk.staff.reasons import ReprintReason, VoidReason, check_note, reason_text
from kiosk.staff.store import reading, transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.app import Core
    from kiosk.issuing import Issuer
    from printer.base import JobListener, Printer, PrintJob

Clock = Callable[[], datetime]
NOT_REPRINTABLE = frozenset({"voided", "pending_review", "rejected"})

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "printed": ("已打印", "printed"),
    "print_failed": ("打印失败", "print failed"),
    "issued": ("未完成", "unfinished"),
    "unknown": ("未完成", "unfinished"),
    "voided": ("已作废", "voided"),
    "pending_review": ("待审核", "awaiting review"),
    "rejected": ("未通过审核", "rejected"),
}


def status_label(status: str) -> tuple[str, str]:
    """(Chinese, English) words for a stored status; unknown statuses are shown as they are."""
    return STATUS_LABELS.get(status, (status, status))


@dataclass(frozen=True)
class Reprinted:
    """A reprint that printed: which copy (补打 n), on which printer, the printer's job."""

    serial: str
    reprint: int
    printer_uri: str
    job: PrintJob


class IssuanceDesk:
    """What staff do with issued papers, at terminal `terminal_id`.

    `issuer` and `printers` are needed for reprints only (void and search need the database).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        terminal_id: str,
        *,
        issuer: Issuer | None = None,
        printers: Mapping[str, Printer] | None = None,
        clock: Clock = datetime.now,
    ) -> None:
        self.sessions = sessions
        self.terminal_id = terminal_id
        self.issuer = issuer
        self.printers = dict(printers or {})
        self.clock = clock

    @classmethod
    def for_core(cls, core: Core, *, clock: Clock = datetime.now) -> IssuanceDesk:
        """The desk of a running kiosk (or a CLI Core): its issuer and printers."""
        return cls(
            core.sessions,
            core.config.terminal.id,
            issuer=core.issuer,
            printers=core.printers,
            clock=clock,
        )

    def queue(self, *, all_terminals: bool = False, limit: int = 100) -> list[IssuanceRow]:
        """Print-failed and unfinished issuances (this terminal's unless `all_terminals`),
        newest first: what the reprint screen shows before any search."""
        terminal = None if all_terminals else self.terminal_id
        return self.search(
            IssuanceQuery(statuses=QUEUE_STATUSES, terminal_id=terminal, limit=limit)
        )

    def search(self, query: IssuanceQuery) -> list[IssuanceRow]:
        """Issuances matching `query` (every terminal unless it names one), newest first."""
        with reading(self.sessions) as session:
            return DeskRepository(session).search(query)

    def find(self, serial: str) -> IssuanceRow:
        """The issuance with this serial; UnknownSerialError if none."""
        with reading(self.sessions) as session:
            row = DeskRepository(session).row(serial.strip())
        if row is None:
            raise UnknownSerialError(f"no issuance {serial.strip()}")
        return row

    def reprint(
        self,
        staff: StaffMember,
        serial: str,
        reason: ReprintReason,
        note: str = "",
        *,
        printer: Printer | None = None,
        on_progress: JobListener | None = None,
    ) -> Reprinted:
        """Print the same document again, marked 补打 n, on `printer` (default: the configured
        printer of its paper). Refused (StaffError) for an unknown, voided, unreviewed or
        rejected serial; a PrinterError means it was counted and recorded print_failed."""
        note = check_note(reason, note)
        row = self.find(serial)
        self.check_reprintable(row)
        if self.issuer is None:
            raise NotReprintableError("this desk has no issuer (database-only)")
        target = printer or self.printers.get("a4" if row.paper == "a4" else "slip")
        if target is None:
            raise NotReprintableError(f"no printer for paper {row.paper}", zh="没有可用的打印机")
        detail = {"reason": reason.value, "note": note, "printer": target.uri}
        issued = self.issuer.reissue(row.serial, actor=staff.actor, detail=detail)
        n = issued.record.reprints
        crashpoint("mid_reprint")  # 补打 n counted and audited, not yet printed
        job = self.issuer.print(issued, target, reprint=n, on_progress=on_progress)
        return Reprinted(row.serial, n, target.uri, job)

    @staticmethod
    def check_reprintable(row: IssuanceRow) -> None:
        """Refuse (VoidedError, NotReprintableError) a row that cannot be reprinted: voided,
        awaiting review, rejected. The UI may grey the button out with it."""
        if row.status == "voided":
            raise VoidedError(f"{row.serial} was voided", zh="该证明已作废，不能补打")
        if row.status in NOT_REPRINTABLE:
            zh, en = status_label(row.status)
            raise NotReprintableError(f"{row.serial} is {en}", zh=f"该证明{zh}，不能补打")

    def void(
        self, staff: StaffMember, serial: str, reason: VoidReason, note: str = ""
    ) -> IssuanceRow:
        """Void an issuance with a reason (kiosk verify then answers 已作废 / VOIDED);
        UnknownSerialError, VoidedError if it was voided already."""
        note = check_note(reason, note)
        serial = serial.strip()
        text = reason_text(reason, note)
        with transaction(self.sessions) as session:
            desk = DeskRepository(session)
            status = desk.status(serial, lock=True)
            if status is None:
                raise UnknownSerialError(f"no issuance {serial}")
            if status == "voided":
                raise VoidedError(f"{serial} was voided already", zh="该证明已作废过")
            previous, row = desk.void(serial, text, staff.name, self.clock())
            crashpoint("mid_void")  # voided in the transaction, not audited, not committed
            AuditRepository(session).record(
                terminal_id=self.terminal_id,
                actor=staff.actor,
                kind="void",
                subject=serial,
                now=self.clock(),
                detail={"reason": reason.value, "note": note, "previous": previous},
            )
        return row
