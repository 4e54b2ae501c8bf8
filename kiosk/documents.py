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


def build_document(
    terminal: TerminalConfig,
    record: IssuanceRecord,
    resident: ResidentRecord,
    item: CatalogItem,
    inputs: Mapping[str, str],
    paper: Paper,
    signing_key: SigningKey,
) -> Document:
    """The signed Document for a fresh issuance of `item` to `resident`."""
    today = record.created_at.date()
    values = resident_values(resident, today)
    values.update(
        today=cn_date(today),
        issuer=terminal.issuer,
        issuer_address=terminal.address,
        terminal_name=terminal.name,
    )
    values.update(item.display_inputs(inputs))
    text = item.fill(values)
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
        copy_mark=f"共{record.copies}份" if record.copies > 1 else None,
        staff_boxes=tuple(item.staff_boxes),
    )
    from forms.verify import sign_document

    payload = sign_document(
        doc, item_id=item.id, id_number=resident.id_number, name=resident.name, key=signing_key
    )
    return replace(doc, qr_payload=payload, key_fingerprint=signing_key.fingerprint)
