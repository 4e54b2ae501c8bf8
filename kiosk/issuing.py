"""Issuing a document: check, record (serial first), render, sign, print, and reprint.

The one path every issuance takes, from the UI, `kiosk render` or staff reprints:
resident + catalogue item + inputs -> Issuance record -> Document -> PDF bytes -> printer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from civic.crashpoints import crashpoint
from forms.document import Document
from kiosk.config import Config
from kiosk.db.repositories import (
    AuditRepository,
    IssuanceRecord,
    IssuanceRepository,
    IssuanceStatus,
)
from kiosk.documents import (
    IssuedDocument,
    document_from_json,
    document_to_json,
)
from kiosk.errors import MissingInputError, NotEligibleError, RecordError
from kiosk.outcomes import OutcomeJournal, PrintOutcome, close_interrupted
from kiosk.papers import (
    DRAFT_SERIAL,
    KEPT_STATUSES,
    NOT_REPRINTED,
    PaperPlan,
    audit_detail,
    audit_kind,
    compose,
    configured_catalog,
    draft_record,
    issued_as_planned,
    paper_of,
    plan_paper,
)
from kiosk.residents import ResidentRecord
from printer.base import JobState, Printer, PrinterError, PrintFailedError, PrintJob

if TYPE_CHECKING:
    from forms.fonts import FontSet
    from forms.keys import SigningKey
    from kiosk.catalog import Catalog, CatalogItem


__all__ = ["DRAFT_SERIAL", "IssuedDocument", "Issuer", "document_from_json", "document_to_json"]

log = logging.getLogger(__name__)


Clock = Callable[[], datetime]


class Issuer:
    """Issues, renders and prints documents; every issuance is a database record first."""

    def __init__(
        self,
        config: Config,
        sessions: sessionmaker[Session],
        *,
        signing_key: SigningKey,
        fonts: FontSet,
        journal: OutcomeJournal,
        clock: Clock = datetime.now,
        catalog: Catalog | None = None,
    ) -> None:
        self.config = config
        self.sessions = sessions
        self.signing_key = signing_key
        self.fonts = fonts
        self.journal = journal
        self.clock = clock
        self._catalog = catalog

    @property
    def catalog(self) -> Catalog:
        """The catalogue the 告知单 and bases come from (the configured one if none given)."""
        if self._catalog is None:
            self._catalog = configured_catalog(self.config)
        return self._catalog

    def plan(
        self, resident: ResidentRecord, item: CatalogItem, inputs: Mapping[str, str]
    ) -> PaperPlan:
        """Which paper this request gets: the item, its 待审核 application, or a 告知单."""
        terminal, today = self.config.terminal, self.clock().date()
        return plan_paper(self.catalog, terminal, resident, item, inputs, today)

    # --- checks -------------------------------------------------------------------------
    def check(
        self, resident: ResidentRecord, item: CatalogItem, card_type: str = "resident"
    ) -> None:
        """Raise NotEligibleError (with the plain-words reason) unless the resident may have item."""
        verdict = item.check_eligibility(resident, self.clock().date(), card_type)
        if not verdict.eligible:
            raise NotEligibleError(
                verdict.reason, zh=f"暂不能办理：{verdict.reason}", en=verdict.reason
            )

    # --- the draft she confirms ----------------------------------------------------------
    def draft(
        self,
        resident: ResidentRecord,
        item: CatalogItem,
        raw_inputs: Mapping[str, str] | None = None,
        *,
        copies: int = 1,
        card_type: str = "resident",
    ) -> bytes:
        """The PDF she would get, unsigned and unrecorded: no serial is allocated, nothing is
        written, no QR (the confirm screen shows its first page)."""
        self.check(resident, item, card_type)
        inputs = item.validate_inputs(raw_inputs or {})
        now = self.clock().replace(microsecond=0)
        plan = self.plan(resident, item, inputs)
        chosen = paper_of(plan, self.config.printers.slip_paper)
        record = draft_record(self.config.terminal.id, plan, resident, inputs, chosen, copies, now)
        return self._render(self._compose(record, resident, plan, inputs, sign=False))

    # --- issuing ------------------------------------------------------------------------
    def issue(
        self,
        resident: ResidentRecord,
        item: CatalogItem,
        raw_inputs: Mapping[str, str] | None = None,
        *,
        copies: int = 1,
        card_type: str = "resident",
        paper: str | None = None,
        actor: str | None = None,
    ) -> IssuedDocument:
        """Check, allocate a serial, sign and render, then record it all in one transaction;
        nothing is printed."""
        self.check(resident, item, card_type)
        inputs = item.validate_inputs(raw_inputs or {})
        if not 1 <= copies <= item.max_copies:
            raise MissingInputError(
                f"copies must be 1..{item.max_copies}",
                zh=f"份数应为1至{item.max_copies}份",
                en=f"Copies must be 1 to {item.max_copies}.",
            )
        from forms.verify import content_digest

        now = self.clock().replace(microsecond=0)
        plan = self.plan(resident, item, inputs)  # before anything is recorded
        chosen = paper_of(plan, self.config.printers.slip_paper, paper)
        copies = 1 if plan.substituted else copies
        kept = {} if plan.substituted else dict(inputs)
        # The serial first, in a transaction of its own: the community's counter row is locked
        # for one statement, not while the paper is signed and rendered (~0.2 s). A failure
        # after this leaves a gap in the sequence, never a duplicate (ARCHITECTURE.md).
        serial = self._next_serial(now)
        terminal = self.config.terminal.id
        draft = replace(
            draft_record(terminal, plan, resident, kept, chosen, copies, now), serial=serial
        )
        doc = self._compose(draft, resident, plan, inputs)
        pdf = self._render(doc)
        digest = content_digest(doc)
        record = self._record(draft, doc, plan, resident, digest, actor)
        crashpoint("after_issuance_commit")
        log.info("issued %s item=%s resident=%s", record.serial, plan.item.id, resident.masked_id)
        return issued_as_planned(record, doc, pdf)

    def _record(
        self,
        draft: IssuanceRecord,
        doc: Document,
        plan: PaperPlan,
        resident: ResidentRecord,
        digest: str,
        actor: str | None,
    ) -> IssuanceRecord:
        """The issuance, its content hash, document and audit event in one transaction."""
        now, serial, kept, chosen, copies = (
            draft.created_at,
            draft.serial,
            dict(draft.inputs),
            draft.paper,
            draft.copies,
        )
        try:
            with self.sessions.begin() as session:
                issuances = IssuanceRepository(session)
                record = issuances.create(
                    community_code=self.config.terminal.community_code,
                    item_id=plan.item.id,
                    resident_id=resident.id,
                    terminal_id=self.config.terminal.id,
                    inputs=kept,
                    paper=chosen,
                    copies=copies,
                    now=now,
                    serial=serial,
                )
                issuances.set_content_hash(record.serial, digest)
                issuances.set_document(record.serial, document_to_json(doc))
                if doc.pending:
                    issuances.set_status(record.serial, IssuanceStatus.PENDING_REVIEW)
                AuditRepository(session).record(
                    terminal_id=self.config.terminal.id,
                    actor=actor or f"resident:{resident.masked_id}",
                    kind=audit_kind(plan),
                    subject=record.serial,
                    now=now,
                    detail=audit_detail(plan, copies),
                )
                record = replace(record, content_hash=digest)
        except SQLAlchemyError as exc:
            log.error("issuance not recorded: %s", type(exc).__name__)
            raise RecordError(str(exc.__class__.__name__)) from exc
        return record

    def _next_serial(self, now: datetime) -> str:
        try:
            with self.sessions.begin() as session:
                code = self.config.terminal.community_code
                return IssuanceRepository(session).next_serial(code, now.date())
        except SQLAlchemyError as exc:
            log.error("no serial allocated: %s", type(exc).__name__)
            raise RecordError(type(exc).__name__) from exc

    def _compose(
        self,
        record: IssuanceRecord,
        resident: ResidentRecord,
        plan: PaperPlan,
        inputs: Mapping[str, str],
        *,
        sign: bool = True,
    ) -> Document:
        terminal, key = self.config.terminal, self.signing_key
        return compose(
            self.catalog,
            terminal,
            record,
            resident,
            plan,
            inputs,
            record.paper,
            key,
            sign=sign,
            fonts=self.fonts,
        )

    def _render(self, doc: Document) -> bytes:
        from forms.render import render  # reportlab: loaded at the first document, not at start

        return render(doc, self.fonts)

    # --- printing -----------------------------------------------------------------------
    def print(
        self,
        issued: IssuedDocument,
        printer: Printer,
        *,
        reprint: int = 0,
        on_progress: Callable[[PrintJob], None] | None = None,
    ) -> PrintJob:
        """Print and record the attempt.

        Raises the printer's own PrinterError when printing fails (a crashing driver becomes
        PrintFailedError), RecordError when the attempt could not be recorded before printing
        (then nothing is printed). However it ends, the issuance leaves `issued`: an outcome
        the database cannot take now waits in the journal and is replayed later.
        """
        serial = issued.serial
        self.settle_outcomes()
        try:
            with self.sessions.begin() as session:
                job_id = IssuanceRepository(session).add_job(
                    serial, printer.uri, reprint, self.clock()
                )
        except SQLAlchemyError as exc:
            log.error("print of %s not started: job not recorded (%s)", serial, type(exc).__name__)
            reason = "not sent: the print job could not be recorded"
            self._settle(serial, None, printer.uri, reprint, JobState.FAILED, None, reason)
            raise RecordError(type(exc).__name__) from exc
        try:
            job = printer.print(
                issued.pdf, copies=issued.record.copies, title=serial, on_progress=on_progress
            )
        except PrinterError as exc:
            log.error("print failed %s on %s: %s", serial, printer.uri, exc.detail)
            self._settle(serial, job_id, printer.uri, reprint, JobState.FAILED, exc.job, exc.detail)
            raise
        except Exception as exc:  # a driver bug must not leave the job "queued" for ever
            log.exception("print crashed %s on %s", serial, printer.uri)
            reason = f"driver crashed: {type(exc).__name__}: {exc}"
            self._settle(serial, job_id, printer.uri, reprint, JobState.FAILED, None, reason)
            raise PrintFailedError(reason) from exc
        crashpoint("after_print_done")
        self._settle(serial, job_id, printer.uri, reprint, JobState.DONE, job, None)
        return job

    def _settle(
        self,
        serial: str,
        job_id: int | None,
        printer_uri: str,
        reprint: int,
        state: JobState,
        job: PrintJob | None,
        reason: str | None,
    ) -> None:
        """Record how a print attempt ended; never raises (the printer's answer comes first)."""
        status = IssuanceStatus.PRINTED if state == JobState.DONE else IssuanceStatus.PRINT_FAILED
        outcome = PrintOutcome(
            serial=serial,
            job_id=job_id,
            printer_uri=printer_uri,
            reprint=reprint,
            job_state=state.value,
            status=status.value,
            reason=reason or "",
            device_job_id=job.job_id if job else None,
            at=self.clock(),
        )
        try:
            self._record_outcome(outcome)
        except SQLAlchemyError as exc:
            log.error("outcome of %s not recorded (%s): journalled", serial, type(exc).__name__)
            self.journal.append(outcome)

    def _record_outcome(self, outcome: PrintOutcome) -> None:
        with self.sessions.begin() as session:
            repo = IssuanceRepository(session)
            job_id = outcome.job_id
            if job_id is None:
                job_id = repo.add_job(
                    outcome.serial, outcome.printer_uri, outcome.reprint, outcome.at
                )
            repo.finish_job(
                job_id,
                outcome.job_state,
                device_job_id=outcome.device_job_id,
                reason=outcome.reason or None,
                now=outcome.at,
            )
            record = repo.by_serial(outcome.serial)
            if record is not None and record.status not in KEPT_STATUSES:
                repo.set_status(outcome.serial, IssuanceStatus(outcome.status))
            AuditRepository(session).record(
                terminal_id=self.config.terminal.id,
                actor="system",
                kind="printed" if outcome.job_state == JobState.DONE else "print_failed",
                subject=outcome.serial,
                now=outcome.at,
                detail={"reason": outcome.reason},
            )

    def settle_outcomes(self) -> int:
        """Replay outcomes the database could not take before; returns how many it took now."""
        return self.journal.settle(self._record_outcome)

    def reconcile(self) -> list[str]:
        """At start-up: settle journalled outcomes, then close every issuance this terminal left
        mid-way (a crash, a kill, a power cut). Never printed again without staff: an issuance
        with no print attempt becomes print_failed, one whose attempt never finished unknown.
        Returns the serials it closed."""
        try:
            self.settle_outcomes()
            with self.sessions.begin() as session:
                repo = IssuanceRepository(session)
                closed = []
                terminal = self.config.terminal.id
                for record, jobs in repo.unfinished(terminal):
                    close_interrupted(session, record, jobs, terminal, self.clock())
                    closed.append(record.serial)
        except SQLAlchemyError as exc:
            raise RecordError(type(exc).__name__) from exc
        if closed:
            log.warning("closed %d interrupted issuance(s): %s", len(closed), ", ".join(closed))
        return closed

    # --- reprints -----------------------------------------------------------------------
    def reissue(
        self, serial: str, *, actor: str, detail: Mapping[str, str] | None = None
    ) -> IssuedDocument:
        """The same document again, marked 补打 n; refused for voided issuances. `detail` (the
        staff's reason) goes into the `reprint` audit event beside n."""
        try:
            return self._reissue(serial, actor, detail or {})
        except SQLAlchemyError as exc:
            log.error("reprint of %s not recorded: %s", serial, type(exc).__name__)
            raise RecordError(type(exc).__name__) from exc

    def _reissue(self, serial: str, actor: str, detail: Mapping[str, str]) -> IssuedDocument:
        with self.sessions.begin() as session:
            repo = IssuanceRepository(session)
            record = repo.by_serial(serial)
            if record is None:
                raise RecordError(
                    serial, zh="没有这个编号的证明", en=f"No document with serial {serial}."
                )
            refused = NOT_REPRINTED.get(record.status)
            if refused is not None:
                raise RecordError(serial, zh=refused[0], en=refused[1])
            n = repo.count_reprint(serial)
            AuditRepository(session).record(
                terminal_id=self.config.terminal.id,
                actor=actor,
                kind="reprint",
                subject=serial,
                now=self.clock(),
                detail={**detail, "n": str(n)},
            )
            stored = repo.document(serial)
        doc = replace(document_from_json(stored), reprint=n)
        return IssuedDocument(replace(record, reprints=n), doc, self._render(doc))
