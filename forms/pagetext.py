"""The visible text of a rendered document, reduced to what a signature can cover.

A KV2 payload signs a digest of the text a PDF shows (pypdfium2's text layer, every page), so
`kiosk verify FILE.pdf` can tell an edited PDF from the original even when its QR is untouched.
The text is reduced first: every whitespace, control and format character is dropped (line
breaks and spacing depend on the extractor, never on what is said), and the marks that differ
between prints of one issuance (补打 n, 共n份, 第n份) are removed on both sides.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from forms.pdf import UnreadablePdfError, open_pdf

DIGEST_BYTES = 16
PRINT_MARKS = re.compile(r"补打\d+|第\d+份|共\d+份")


def page_texts(pdf: bytes) -> list[str]:
    """The text layer of every page, in order (UnreadablePdfError for bytes that are no PDF)."""
    document = open_pdf(pdf)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                texts.append(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
        return texts
    finally:
        document.close()


def reduce_text(text: str) -> str:
    """`text` without whitespace, control and format characters, and without print marks."""
    kept = "".join(c for c in text if unicodedata.category(c)[0] not in "ZC")
    return PRINT_MARKS.sub("", kept)


def text_digest(texts: list[str]) -> bytes:
    """SHA-256 (first 16 bytes) of the reduced text of each page, pages joined by a newline."""
    reduced = "\n".join(reduce_text(t) for t in texts)
    return hashlib.sha256(reduced.encode("utf-8")).digest()[:DIGEST_BYTES]


def pdf_text_digest(pdf: bytes) -> bytes:
    """text_digest of a PDF's pages."""
    return text_digest(page_texts(pdf))


__all__ = ["UnreadablePdfError", "page_texts", "pdf_text_digest", "reduce_text", "text_digest"]
