"""Fuzzing the verification page's own parser (kiosk/web/verify.js) in Debian's headless
Chromium (issue 14, part B 3): 3,000 generated link fragments (signed payloads, damaged ones,
broken %-escapes, Unicode and spaces) go through the page's `fragmentOf` and `decodePayload` in
one page load. Each must decode or be a Refusal the page shows as a reason; where the CLI reads
the same fragment, both must say the same (fields, or both refuse). Then the page itself on a
link with a broken %-escape, which left it at "正在核验…" for ever."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from forms import payload
from kiosk.benchmarks.verify import chromium
from kiosk.fuzzing.core import Seeded
from kiosk.fuzzing.page import SCRIPT, compare, load_parser, page_views, run_page
from kiosk.fuzzing.payloads import TERMINAL

pytestmark = [pytest.mark.stacks, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the module."""
    missing = [t for t in ("chromium", "chromedriver") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"missing {', '.join(missing)} (apt-get install chromium chromium-driver)")
    driver = chromium(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


def test_thousands_of_fragments_decode_or_are_refused_as_the_cli_says(browser: WebDriver) -> None:
    """GIVEN 3,000 generated fragments in one page load WHEN the page's parser reads them THEN
    no exception but a Refusal, and the same verdict and fields as forms.payload.decode."""
    tally = run_page(browser, 3000)
    assert tally.cases == 3000 and tally.ok > 300 and tally.refused > 300
    assert (tally.escapes, tally.bad_results) == (0, 0), "\n".join(tally.samples)


def test_the_page_refuses_what_the_cli_refuses(browser: WebDriver) -> None:
    """GIVEN a payload signed over a community code with a byte above 7F (not ASCII) THEN the
    page refuses it as the CLI does (TextDecoder's "ascii" is windows-1252 and read it)."""
    fields = payload.PayloadFields(
        version=2, issue_date=payload.EPOCH, serial="S", masked_id="610202********1234",
        identity_hash=bytes(8), digest=bytes(16), key_id=TERMINAL.fingerprint_bytes,
        community_code="610202001",
    )  # fmt: skip
    body = payload.encode_body(fields).replace(b"610202001", b"61020200\xe9")
    fragment = payload.b32(body + TERMINAL.sign(payload.CONTEXT[2] + body))
    load_parser(browser)
    views = page_views(browser, ["#" + fragment])
    assert views == [["refused", "malformed"]]
    assert compare(["#" + fragment], views) == ([], [])


@pytest.mark.parametrize("fragment", ["%", "%E0%A4%A", "ABC%ZZ"])
def test_a_broken_percent_escape_shows_invalid_not_checking_for_ever(
    browser: WebDriver, fragment: str
) -> None:
    """GIVEN the page opened on a link whose fragment has a broken %-escape WHEN it runs THEN
    it finishes and shows INVALID, malformed (decodeURIComponent's URIError escaped before the
    page's try, and the clerk saw 正在核验… for ever)."""
    browser.get("about:blank")
    browser.get(f"{SCRIPT.parent.joinpath('index.html').as_uri()}#{fragment}")
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return document.documentElement.dataset.done || ''")
    )
    state = browser.execute_script(
        "const d = document.documentElement.dataset; return [d.verdict, d.reason];"
    )
    assert state == ["invalid", "malformed"]


def test_the_generator_covers_percent_escapes_and_unicode() -> None:
    """GIVEN the first seeds THEN broken %-escapes and non-ASCII fragments are among them."""
    from kiosk.fuzzing.page import any_hash

    hashes = [any_hash(Seeded(n)) for n in range(300)]
    assert any("%" in h for h in hashes)
    assert any(not h.isascii() for h in hashes)
    assert Path(SCRIPT).is_file()
