"""Issuing a document: check, record (serial first), render, sign, print, and reprint.

The one path every issuance takes, from the UI, `kiosk render` or staff reprints:
resident + catalogue item + inputs -> Issuance record -> Document -> PDF bytes -> printer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from forms.document import Document, Field
from forms.render import render
from forms.verify import content_digest, sign_document
from kiosk.config import Config
from kiosk.db.repositories import (
    AuditRepository,
    IssuanceRecord,
    IssuanceRepository,
    IssuanceStatus,
)
from kiosk.errors import MissingInputError, NotEligibleError, RecordError
from kiosk.residents import ResidentRecord, cn_date, resident_values
from printer.base import JobState, Printer, PrinterError, PrintJob

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class IssuedDocument:
    """A recorded issuance with its rendered PDF."""

    record: IssuanceRecord
    document: Document
    pdf: bytes

    @property
    def serial(self) -> str:
        """The document's unique serial."""
        return self.record.serial


def printer_role(item: Any) -> str:
    """Which configured printer an item goes to: "slip" (thermal) or "a4" (laser)."""
    return "slip" if item.paper == "slip" else "a4"


def particulars_for(layout: str, resident: ResidentRecord, today: date) -> tuple[Field, ...]:
    """The resident particulars printed on a layout (full ID numbers never appear here)."""
    values = resident_values(resident, today)
    base = [
        Field("姓名", values["name"]),
        Field("性别", values["sex"]),
        Field("公民身份号码", values["id_number_masked"]),
    ]
    if layout == "slip":
        return tuple(base[:1] + base[2:])
    base.append(Field("住址", values["address"]))
    if layout == "form":
        base[3:3] = [
            Field("出生日期", values["birth_date"]),
            Field("民族", values["nation"] or "—"),
            Field("联系电话", values["phone_masked"] or "—"),
        ]
        base += [
            Field("所属社区", f"{values['community']} {values['grid']}"),
            Field("户籍", values["hukou"]),
        ]
    return tuple(base)


def document_to_json(doc: Document) -> dict[str, Any]:
    """A Document as JSON-safe values (stored with the issuance)."""
    data = asdict(doc)
    data["issue_date"] = doc.issue_date.isoformat()
    data["created_at"] = doc.created_at.isoformat()
    return data


def document_from_json(data: Mapping[str, Any]) -> Document:
    """The inverse of document_to_json."""
    values = dict(data)
    values["issue_date"] = date.fromisoformat(values["issue_date"])
    values["created_at"] = datetime.fromisoformat(values["created_at"])
    for key in ("particulars", "answers"):
        values[key] = tuple(Field(**f) for f in values.get(key, ()))
    values["staff_boxes"] = tuple(values.get("staff_boxes", ()))
    return Document(**values)


class Issuer:
    """Issues, renders and prints documents; every issuance is a database record first."""

    def __init__(
        self,
        config: Config,
        sessions: sessionmaker[Session],
        catalog: Any,
        *,
        signing_key: Any,
        fonts: Any,
        clock: Clock = datetime.now,
    ) -> None:
        self.config = config
        self.sessions = sessions
        self.catalog = catalog
        self.signing_key = signing_key
        self.fonts = fonts
        self.clock = clock

    # --- checks -------------------------------------------------------------------------
    def check(self, resident: ResidentRecord, item: Any, card_type: str = "resident") -> None:
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
        item: Any,
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
        now = self.clock().replace(microsecond=0)
        paper = paper or (self.config.printers.slip_paper if printer_role(item) == "slip" else "a4")
        try:
            with self.sessions.begin() as session:
                issuances = IssuanceRepository(session)
                record = issuances.create(
                    community_code=self.config.terminal.community_code,
                    item_id=item.id,
                    resident_id=resident.id,
                    terminal_id=self.config.terminal.id,
                    inputs=inputs,
                    paper=paper,
                    copies=copies,
                    now=now,
                )
                doc = self._document(record, resident, item, inputs, paper)
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

    def _document(
        self,
        record: IssuanceRecord,
        resident: ResidentRecord,
        item: Any,
        inputs: Mapping[str, str],
        paper: str,
    ) -> Document:
        today = record.created_at.date()
        terminal = self.config.terminal
        values = resident_values(resident, today)
        values.update(
            today=cn_date(today),
            issuer=terminal.issuer,
            issuer_address=terminal.address,
            terminal_name=terminal.name,
        )
        values.update(item.display_inputs(inputs))
        text = item.fill(values)
        copy_mark = f"共{record.copies}份" if record.copies > 1 else None
        doc = Document(
            layout=item.layout,
            paper=paper,
            title=text.title,
            body=text.body,
            serial=record.serial,
            issuer_name=terminal.issuer,
            issue_date=today,
            created_at=record.created_at,
            terminal_id=terminal.id,
            particulars=particulars_for(item.layout, resident, today),
            answers=tuple(Field(label, value) for label, value in text.answers),
            purpose=text.purpose,
            validity_days=item.validity_days,
            next_steps=text.next_steps,
            where_to_go=text.where_to_go,
            copy_mark=copy_mark,
            staff_boxes=tuple(item.staff_boxes),
        )
        if self.signing_key is not None:
            payload = sign_document(
                doc,
                item_id=item.id,
                id_number=resident.id_number,
                name=resident.name,
                key=self.signing_key,
            )
            doc = replace(doc, qr_payload=payload, key_fingerprint=self.signing_key.fingerprint)
        return doc

    def _render(self, doc: Document) -> bytes:
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
        """Print and record the attempt; a failure marks the issuance print_failed and re-raises."""
        serial = issued.serial
        with self.sessions.begin() as session:
            job_id = IssuanceRepository(session).add_job(serial, printer.uri, reprint, self.clock())
        try:
            job = printer.print(
                issued.pdf, copies=issued.record.copies, title=serial, on_progress=on_progress
            )
        except PrinterError as exc:
            failed = getattr(exc, "job", None)
            self._finish(
                serial, job_id, JobState.FAILED, failed, exc.detail, IssuanceStatus.PRINT_FAILED
            )
            log.error("print failed %s on %s: %s", serial, printer.uri, exc.detail)
            raise
        except Exception as exc:  # a driver bug must not leave the job "queued" for ever
            reason = f"{type(exc).__name__}: {exc}"
            self._finish(serial, job_id, JobState.FAILED, None, reason, IssuanceStatus.PRINT_FAILED)
            log.exception("print crashed %s on %s", serial, printer.uri)
            raise
        self._finish(serial, job_id, JobState.DONE, job, None, IssuanceStatus.PRINTED)
        return job

    def _finish(
        self,
        serial: str,
        job_id: int,
        state: JobState,
        job: PrintJob | None,
        reason: str | None,
        status: str,
    ) -> None:
        now = self.clock()
        with self.sessions.begin() as session:
            repo = IssuanceRepository(session)
            repo.finish_job(
                job_id,
                state.value,
                device_job_id=job.job_id if job else None,
                reason=reason,
                now=now,
            )
            if repo.by_serial(serial).status != IssuanceStatus.VOIDED:  # type: ignore[union-attr]
                repo.set_status(serial, status)
            AuditRepository(session).record(
                terminal_id=self.config.terminal.id,
                actor="system",
                kind="printed" if state == JobState.DONE else "print_failed",
                subject=serial,
                now=now,
                detail={"reason": reason or ""},
            )

    # --- reprints -----------------------------------------------------------------------
    def reissue(self, serial: str, *, actor: str) -> IssuedDocument:
        """The same document again, marked 补打 n; refused for voided issuances."""
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
