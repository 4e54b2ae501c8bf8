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

from forms.document import Document
from kiosk.config import Config
from kiosk.db.repositories import (
    AuditRepository,
    IssuanceRecord,
    IssuanceRepository,
    IssuanceStatus,
    PrintJobData,
)
from kiosk.documents import (
    IssuedDocument,
    build_document,
    document_from_json,
    document_to_json,
    paper_for,
)
from kiosk.errors import MissingInputError, NotEligibleError, RecordError
from kiosk.outcomes import OutcomeJournal, PrintOutcome
from kiosk.residents import ResidentRecord
from printer.base import JobState, Printer, PrinterError, PrintFailedError, PrintJob

if TYPE_CHECKING:
    from forms.fonts import FontSet
    from forms.keys import SigningKey
    from kiosk.catalog import CatalogItem


__all__ = ["IssuedDocument", "Issuer", "document_from_json", "document_to_json"]

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
    ) -> None:
        self.config = config
        self.sessions = sessions
        self.signing_key = signing_key
        self.fonts = fonts
        self.journal = journal
        self.clock = clock

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
        """Check, allocate a serial, record, render and sign in one transaction; nothing is printed."""
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
        chosen = paper_for(item, self.config.printers.slip_paper, paper)
        try:
            with self.sessions.begin() as session:
                issuances = IssuanceRepository(session)
                record = issuances.create(
                    community_code=self.config.terminal.community_code,
                    item_id=item.id,
                    resident_id=resident.id,
                    terminal_id=self.config.terminal.id,
                    inputs=inputs,
                    paper=chosen,
                    copies=copies,
                    now=now,
                )
                doc = build_document(
                    self.config.terminal, record, resident, item, inputs, chosen, self.signing_key
                )
                pdf = self._render(doc)
                digest = content_digest(doc)
                issuances.set_content_hash(record.serial, digest)
                issuances.set_document(record.serial, document_to_json(doc))
                AuditRepository(session).record(
                    terminal_id=self.config.terminal.id,
                    actor=actor or f"resident:{resident.masked_id}",
                    kind="issued",
                    subject=record.serial,
                    now=now,
                    detail={"item": item.id, "copies": str(copies)},
                )
                record = replace(record, content_hash=digest)
        except SQLAlchemyError as exc:
            log.error("issuance not recorded: %s", type(exc).__name__)
            raise RecordError(str(exc.__class__.__name__)) from exc
        log.info("issued %s item=%s resident=%s", record.serial, item.id, resident.masked_id)
        return IssuedDocument(record, doc, pdf)

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
            if record is not None and record.status != IssuanceStatus.VOIDED:
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
                for record, jobs in repo.unfinished(self.config.terminal.id):
                    self._close_interrupted(session, repo, record, jobs)
                    closed.append(record.serial)
        except SQLAlchemyError as exc:
            raise RecordError(type(exc).__name__) from exc
        if closed:
            log.warning("closed %d interrupted issuance(s): %s", len(closed), ", ".join(closed))
        return closed

    def _close_interrupted(
        self,
        session: Session,
        repo: IssuanceRepository,
        record: IssuanceRecord,
        jobs: list[PrintJobData],
    ) -> None:
        now = self.clock()
        open_jobs = [j for j in jobs if j.finished_at is None]
        for job in open_jobs:
            reason = "interrupted: outcome unknown, check the printer"
            repo.finish_job(
                job.id, "unknown", device_job_id=job.device_job_id, reason=reason, now=now
            )
        status = IssuanceStatus.UNKNOWN if open_jobs else IssuanceStatus.PRINT_FAILED
        repo.set_status(record.serial, status)
        AuditRepository(session).record(
            terminal_id=self.config.terminal.id,
            actor="system",
            kind="interrupted",
            subject=record.serial,
            now=now,
            detail={"status": status.value},
        )

    # --- reprints -----------------------------------------------------------------------
    def reissue(self, serial: str, *, actor: str) -> IssuedDocument:
        """The same document again, marked 补打 n; refused for voided issuances."""
        try:
            return self._reissue(serial, actor)
        except SQLAlchemyError as exc:
            log.error("reprint of %s not recorded: %s", serial, type(exc).__name__)
            raise RecordError(type(exc).__name__) from exc

    def _reissue(self, serial: str, actor: str) -> IssuedDocument:
        with self.sessions.begin() as session:
            repo = IssuanceRepository(session)
            record = repo.by_serial(serial)
            if record is None:
                raise RecordError(
                    serial, zh="没有这个编号的证明", en=f"No document with serial {serial}."
                )
            if record.status == IssuanceStatus.VOIDED:
                raise RecordError(
                    serial, zh="该证明已作废，不能补打", en="This document was voided."
                )
            n = repo.count_reprint(serial)
            AuditRepository(session).record(
                terminal_id=self.config.terminal.id,
                actor=actor,
                kind="reprint",
                subject=serial,
                now=self.clock(),
                detail={"n": str(n)},
            )
            stored = repo.document(serial)
        doc = replace(document_from_json(stored), reprint=n)
        return IssuedDocument(replace(record, reprints=n), doc, self._render(doc))
