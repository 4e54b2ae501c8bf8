"""From a recorded issuance to the Document a layout prints, and back from its stored JSON.

Pure functions: the resident's particulars as each layout shows them (never a full ID number),
the item's templates filled, the content signed for the QR.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from civic.dates import cn_date
from forms.document import Document, Field, Layout, Paper
from kiosk.config import TerminalConfig
from kiosk.db.repositories import IssuanceRecord
from kiosk.devices import printer_role
from kiosk.errors import RecordError
from kiosk.residents import ResidentRecord, resident_values

if TYPE_CHECKING:
    from forms.fonts import FontSet
    from forms.keys import SigningKey
    from kiosk.catalog import CatalogItem


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

    @property
    def pending_review(self) -> bool:
        """True when this paper is a 待审核 application: staff approve it before a seal."""
        return self.document.pending


def particulars_for(layout: Layout, resident: ResidentRecord, today: date) -> tuple[Field, ...]:
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
        # never the birth date: it is exactly what the masked ID number hides
        base[3:3] = [
            Field("民族", values["nation"] or "—"),
            Field("联系电话", values["phone_masked"] or "—"),
        ]
        base += [
            Field("所属社区", _community_and_grid(values["community"], values["grid"])),
            Field("户籍", values["hukou"]),
        ]
    return tuple(base)


def _community_and_grid(community: str, grid: str) -> str:
    """红旗街社区 第02网格, without saying the community twice (grids often include it)."""
    return grid if grid.startswith(community) else f"{community} {grid}".strip()


def document_to_json(doc: Document) -> dict[str, object]:
    """A Document as JSON-safe values (stored with the issuance)."""
    data = asdict(doc)
    data["issue_date"] = doc.issue_date.isoformat()
    data["created_at"] = doc.created_at.isoformat()
    return data


def document_from_json(data: Mapping[str, object]) -> Document:
    """The inverse of document_to_json (RecordError when the stored values are not a document)."""
    values = dict(data)
    try:
        values["issue_date"] = date.fromisoformat(str(values["issue_date"]))
        values["created_at"] = datetime.fromisoformat(str(values["created_at"]))
        for key in ("particulars", "answers"):
            values[key] = tuple(Field(**dict(f)) for f in _entries(values.get(key)))
        values["staff_boxes"] = tuple(str(b) for b in _entries(values.get("staff_boxes")))
        return Document(**values)  # type: ignore[arg-type]  # JSON of our own document_to_json
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordError(f"stored document unreadable: {type(exc).__name__}") from exc


def _entries(value: object) -> list[Mapping[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise TypeError("expected a list")
    return list(value)


def paper_for(item: CatalogItem, slip_paper: str, override: str | None = None) -> Paper:
    """The paper a document of `item` is laid out for: a4, or the configured slip width."""
    chosen = override or (slip_paper if printer_role(item) == "slip" else "a4")
    if chosen == "slip58":
        return "slip58"
    if chosen == "slip80":
        return "slip80"
    return "a4"


def issue_values(
    terminal: TerminalConfig,
    resident: ResidentRecord,
    item: CatalogItem,
    inputs: Mapping[str, str],
    today: date,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every placeholder value of one paper: the resident's, the issue's, her answers as
    printed, and `extra` (review facts staff entered, a notice's placeholders)."""
    values = resident_values(resident, today)
    values.update(
        today=cn_date(today),
        issuer=terminal.issuer,
        issuer_address=terminal.address,
        terminal_name=terminal.name,
    )
    values.update(item.display_inputs(inputs))
    values.update(extra or {})
    return values


def build_document(
    terminal: TerminalConfig,
    record: IssuanceRecord,
    resident: ResidentRecord,
    item: CatalogItem,
    inputs: Mapping[str, str],
    paper: Paper,
    signing_key: SigningKey,
    *,
    extra: Mapping[str, str] | None = None,
    legal_basis: str | None = None,
    handled_by: str | None = None,
    issued_at: datetime | None = None,
    sign: bool = True,
    fonts: FontSet | None = None,
) -> Document:
    """The signed Document (unsigned with `sign=False`: the draft she confirms) for an issuance of `item` to `resident`: at recording, or at a
    review's approval (`issued_at`, the staff's `extra` facts and name in `handled_by`).

    A certificate carries its 出具依据 (`legal_basis`), the committee's phone number and its
    经办人 (default: the terminal, from the register); other papers carry the phone only."""
    issued_at = issued_at or record.created_at
    today = issued_at.date()
    text = item.fill(issue_values(terminal, resident, item, inputs, today, extra))
    certificate = item.kind == "certificate"
    if certificate and handled_by is None:
        handled_by = f"自助终端 {terminal.id} 据登记信息出具"
    doc = Document(
        layout=item.layout,
        paper=paper,
        title=text.title,
        body=text.body,
        serial=record.serial,
        issuer_name=terminal.issuer,
        issue_date=today,
        created_at=issued_at,
        terminal_id=terminal.id,
        particulars=particulars_for(item.layout, resident, today),
        answers=tuple(Field(label, value) for label, value in text.answers),
        purpose=text.purpose,
        validity_days=item.validity_days,
        next_steps=text.next_steps,
        where_to_go=text.where_to_go,
        copy_mark=f"共{record.copies}份" if record.copies > 1 else None,
        staff_boxes=tuple(item.staff_boxes),
        legal_basis=(legal_basis or None) if certificate else None,
        contact_phone=terminal.phone or None,
        handled_by=handled_by if certificate else None,
    )
    return signed(doc, terminal, resident, signing_key, fonts) if sign else doc


def signed(
    doc: Document,
    terminal: TerminalConfig,
    resident: ResidentRecord,
    signing_key: SigningKey,
    fonts: FontSet | None = None,
) -> Document:
    """`doc` with its signed QR payload and the key's fingerprint (a 待审核 paper's payload
    says pending); `fonts`: the faces it is printed in, for the digest of its text."""
    from forms.verify import sign_document

    payload = sign_document(
        doc,
        id_number=resident.id_number,
        name=resident.name,
        key=signing_key,
        community_code=terminal.community_code,
        pending=doc.pending,
        fonts=fonts,
    )
    return replace(doc, qr_payload=payload, key_fingerprint=signing_key.fingerprint)
