"""Document -> PDF bytes: dispatch on the layout; the one entry point the app calls.

Output is deterministic: the same Document gives byte-identical PDFs (creation date from
doc.created_at, document ID from the serial, reportlab's invariant mode); a reprint differs only
by its 补打 n mark. Every font is an embedded TrueType subset. The QR payload, when present, is
also stored in the PDF's /Keywords entry, where `forms.verify.extract_payload` reads it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from civic.crashpoints import crashpoint
from forms.document import Document
from forms.errors import FormsError, LayoutOverflowError
from forms.fonts import FontSet, load_fonts
from forms.layouts.certificate import render_certificate
from forms.layouts.form import render_form
from forms.layouts.slip import render_slip

__all__ = ["LayoutOverflowError", "UnknownLayoutError", "render"]

LAYOUTS: dict[str, Callable[[Document, FontSet], bytes]] = {
    "certificate": render_certificate,
    "form": render_form,
    "slip": render_slip,
}


class UnknownLayoutError(FormsError):
    """The document names a layout or paper this library does not have."""


def printed_text(doc: Document) -> str:
    """Every text of the document (fields, answers, names, dates' words), for choosing faces
    that have all its characters."""
    parts: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, tuple | list):
            for each in value:
                collect(each)

    collect(dataclasses.astuple(doc))
    return "".join(parts)


def render(doc: Document, fonts: FontSet | None = None) -> bytes:
    """The PDF for `doc`, with the default FontSet when none is given (a layout registers the
    face it uses on first use; see forms.fonts); lean copies only when they have every
    character the document prints.

    Raises LayoutOverflowError if a certificate's text cannot fit its page, FontMissingError if
    a font file is missing, UnknownLayoutError for a layout/paper mismatch.
    """
    layout = LAYOUTS.get(doc.layout)
    if layout is None:
        raise UnknownLayoutError(f"unknown layout {doc.layout!r}")
    expected = ("slip58", "slip80") if doc.layout == "slip" else ("a4",)
    if doc.paper not in expected:
        raise UnknownLayoutError(f"layout {doc.layout} cannot be printed on {doc.paper!r}")
    pdf = layout(doc, (fonts or load_fonts()).covering(printed_text(doc)))
    crashpoint("mid_render")  # the page is drawn, the bytes not yet handed back
    return pdf
