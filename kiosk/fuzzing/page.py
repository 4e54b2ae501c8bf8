"""The verification page's own parser (kiosk/web/verify.js), in Debian's headless Chromium.

The page decodes a link's fragment in the browser: `fragmentOf(location.hash)` and then
`decodePayload(fragment)`, before any key is looked at. The page's script is loaded into a blank
page once with those two functions exposed (the page itself stays as it is served), and batches
of thousands of generated fragments go through them in one call. Every answer must be a decoded
payload or a `Refusal` (the page shows it as a reason); and for a fragment both can read, the
page must say what `forms.payload.decode` says (same fields, or both refuse).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms import payload
from forms.keys import format_fingerprint
from forms.payload import MalformedPayloadError
from kiosk.fuzzing.core import Chooser, Seeded, Tally, chance, pick
from kiosk.fuzzing.payloads import B32, edited_text, signed_payload

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

SCRIPT = Path(__file__).resolve().parents[1] / "web" / "verify.js"
ANCHOR = '  if ("serviceWorker" in navigator) {'  # what follows runs the page: not wanted here
EXPOSE = "  window.__kioskVerify = { fragmentOf, decodePayload, Refusal };\n})();\n"
BATCH = """
const api = window.__kioskVerify;
return arguments[0].map((hash) => {
  try {
    const p = api.decodePayload(api.fragmentOf(hash));
    return ["ok", p.status, p.issued, p.validity, p.community, p.serial, p.name, p.masked, p.keyId];
  } catch (e) {
    if (e instanceof api.Refusal) return ["refused", e.reason];
    return ["escaped", String(e && e.name), String(e && e.message)];
  }
});
"""
View = list[Any]
# The page decodes GB18030 as its 2022 edition, Python as its 2005 one: these code points (PUA
# and the characters that replaced them, ḿ, the ideographic space) read differently. No
# document name uses them; the comparison treats each pair as one.
GB18030_2022 = str.maketrans(
    {0xE5E5: 0x3000, 0xE7C7: 0x1E3F, 0x1E3F: 0xE7C7, 0xE78D: 0xFE10, 0xE78E: 0xFE12,
     0xE78F: 0xFE11, **{0xE790 + i: 0xFE13 + i for i in range(7)}, 0xE81E: 0x9FB4,
     0xE826: 0x9FB5, 0xE82B: 0x9FB6, 0xE82C: 0x9FB7, 0xE832: 0x9FB8, 0xE843: 0x9FB9,
     0xE854: 0x9FBA, 0xE864: 0x9FBB}
)  # fmt: skip


def parser_script() -> str:
    """verify.js with its parser exposed and without the part that runs the page."""
    source = SCRIPT.read_text(encoding="utf-8")
    if ANCHOR not in source or "function fragmentOf(" not in source:
        raise RuntimeError(f"{SCRIPT} changed shape: update kiosk/fuzzing/page.py")
    return source[: source.index(ANCHOR)] + EXPOSE


def load_parser(driver: WebDriver) -> None:
    """A blank page holding the page's parser."""
    driver.get("about:blank")
    driver.execute_script(parser_script())


def page_views(driver: WebDriver, hashes: Sequence[str]) -> list[View]:
    """What the page's parser makes of each location.hash."""
    views = driver.execute_script(BATCH, list(hashes))
    assert isinstance(views, list)
    return views


def python_view(fragment: str) -> View:
    """What forms.payload.decode makes of the same fragment, in the page's terms."""
    try:
        f = payload.decode(fragment).fields
    except MalformedPayloadError:
        return ["refused"]
    if f.version != 2:
        return ["refused"]
    name = f.document_name.translate(GB18030_2022)
    return ["ok", f.status, f.issue_date.isoformat(), f.validity_days or 0, f.community_code,
            f.serial, name, f.masked_id, format_fingerprint(f.key_id)]  # fmt: skip


def plain_fragment(c: Chooser) -> str:
    """A KV2 fragment as a scanner reads it: printable ASCII, no '%', '#' or spaces."""
    text = signed_payload(c)
    while text.startswith(payload.KV1_PREFIX):
        text = signed_payload(c)
    fragment = edited_text(c, text.split("#", 1)[1]) if chance(c, 2) else text.split("#", 1)[1]
    return "".join(ch for ch in fragment if ch.isascii() and ch.isprintable() and ch not in "%# ")


def any_hash(c: Chooser) -> str:
    """location.hash of any link: percent-escapes (broken ones too), Unicode, whitespace."""
    fragment = plain_fragment(c)
    how = c.integer(0, 4)
    if how == 1:
        at = c.integer(0, len(fragment))
        fragment = (
            fragment[:at]
            + pick(c, ("%", "%E0%A4%A", "%41", "%ZZ", "%C3%A9", "%00"))
            + fragment[at:]
        )
    elif how == 2:
        fragment = c.text(30)
    elif how == 3:
        fragment = (
            pick(c, (" ", "\u3000", "\ufeff", "\n", "")) + fragment + pick(c, ("", " ", "%20"))
        )
    elif how == 4:
        fragment = "".join(pick(c, B32) for _ in range(c.integer(0, 300)))
    return "#" + fragment


def compare(hashes: Sequence[str], views: Sequence[View]) -> tuple[list[str], list[str]]:
    """(escapes: answers that are neither a payload nor a Refusal, mismatches with Python)."""
    escapes, mismatches = [], []
    for hash_, view in zip(hashes, views, strict=True):
        if view[0] == "escaped":
            escapes.append(f"{hash_[:80]!r}: {view[1]}: {view[2]}")
            continue
        fragment = hash_[1:]
        if "%" in fragment or fragment != fragment.strip() or not fragment.isascii():
            continue  # the page decodes %-escapes and trims Unicode spaces; the CLI does not
        mine = python_view(fragment) if fragment else ["refused"]
        theirs = view if view[0] == "ok" else ["refused"]
        if mine != theirs:
            mismatches.append(f"{fragment[:80]!r}: page {theirs!r}, python {mine!r}")
    return escapes, mismatches


def run_page(driver: WebDriver, cases: int, first: int = 0, batch: int = 5000) -> Tally:
    """`cases` generated hashes (seeds first..) through the page's parser, in batches."""
    tally = Tally("verify_page_js")
    start = time.perf_counter()
    load_parser(driver)
    for low in range(first, first + cases, batch):
        hashes = [any_hash(Seeded(n)) for n in range(low, min(low + batch, first + cases))]
        views = page_views(driver, hashes)
        escapes, mismatches = compare(hashes, views)
        tally.cases += len(hashes)
        tally.escapes += len(escapes)
        tally.bad_results += len(mismatches)
        tally.ok += sum(v[0] == "ok" for v in views)
        tally.refused += sum(v[0] == "refused" for v in views)
        tally.samples += (escapes + mismatches)[: max(0, 5 - len(tally.samples))]
    tally.seconds = time.perf_counter() - start
    return tally
