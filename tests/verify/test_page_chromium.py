"""The verification page in Debian's headless Chromium, as a clerk's phone (390x844) shows it:
every verdict online, then offline from the service worker's cache and the cached void list."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from forms import payload
from kiosk.benchmarks.verify import HOLDER_ID, HOLDER_NAME, chromium, open_link
from tests.verify.conftest import Site, need_chromium

READABILITY = """
const lum = (c) => {
  const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const rgba = (s) => s.match(/[\\d.]+/g).map(Number);
const background = (el) => {
  for (; el; el = el.parentElement) {
    const c = rgba(getComputedStyle(el).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
  }
  return [255, 255, 255];
};
const bad = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  const box = el.getBoundingClientRect();
  if (!node.textContent.trim() || box.width === 0 || box.height === 0) continue;
  const style = getComputedStyle(el);
  const [a, b] = [lum(rgba(style.color).slice(0, 3)), lum(background(el))];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const px = parseFloat(style.fontSize);
  if (px < 24 || ratio < 4.5) bad.push(`${node.textContent.trim().slice(0, 16)}: ${px}px ${ratio.toFixed(2)}:1`);
}
for (const el of document.querySelectorAll("input, button")) {
  if (el.getBoundingClientRect().width && parseFloat(getComputedStyle(el).fontSize) < 24) bad.push(el.id);
}
if (document.documentElement.scrollWidth > window.innerWidth) bad.push("scrolls sideways");
return bad;
"""


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One phone-sized Chromium for the online tests."""
    need_chromium()
    driver = chromium(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


def seen(driver: WebDriver, element_id: str) -> str:
    """What the clerk reads in one element (empty if hidden)."""
    return str(driver.find_element(By.ID, element_id).text).strip()


def headline(driver: WebDriver) -> tuple[str, str, str]:
    """(Chinese verdict, English verdict, reason) as shown."""
    return seen(driver, "verdict-zh"), seen(driver, "verdict-en"), seen(driver, "reason-zh")


def shoot(driver: WebDriver, folder: Path, name: str) -> Path:
    """A 390x844 screenshot of the page, kept as verify-<name>.png."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"verify-{name}.png"
    driver.save_screenshot(str(path))
    with Image.open(path) as image:
        assert image.size == (390, 844)
    return path


def tampered(link: str, **changes: object) -> str:
    """The link with some signed fields changed and the original signature kept."""
    base, fragment = link.split("#")
    decoded = payload.decode(fragment)
    body = payload.encode_body(replace(decoded.fields, **changes))  # type: ignore[arg-type]
    return payload.link(base, body, decoded.signature)


def flipped(link: str, byte: int) -> str:
    """The link with the base32 character carrying the middle bits of byte `byte` of the
    payload changed (negative: counted from the end, so -1 is the signature's last byte)."""
    base, fragment = link.split("#")
    size = len(payload.decode(fragment).message) - 4 + payload.SIGNATURE_BYTES
    i = ((byte % size) * 8 + 4) // 5
    char = "A" if fragment[i] != "A" else "B"
    return f"{base}#{fragment[:i]}{char}{fragment[i + 1 :]}"


def test_a_genuine_paper_is_valid_with_only_its_particulars(
    site: Site, phone: WebDriver, shots: Path
) -> None:
    """GIVEN a genuine certificate WHEN its QR link is opened THEN 有效 / VALID with the serial,
    name of the document, issue date, validity, community and masked ID, checked online for
    voids; the holder's name and full ID number are nowhere on the page."""
    doc = site.papers.genuine
    assert open_link(phone, doc.qr_payload or "") == "valid"
    assert headline(phone)[:2] == ("有效", "VALID")
    assert seen(phone, "p-serial") == doc.serial
    assert seen(phone, "p-name") == "居住证明"
    assert seen(phone, "p-issued").startswith(f"{doc.issue_date.year}年")
    assert "（30日）" in seen(phone, "p-valid")
    assert seen(phone, "p-community").startswith("红旗街社区")
    assert seen(phone, "p-id") == "610202********1234"
    assert seen(phone, "void-note").startswith("已联网核查：未作废")
    page = str(phone.find_element(By.TAG_NAME, "body").text)
    assert HOLDER_NAME not in page and HOLDER_ID not in page
    assert phone.execute_script(READABILITY) == []
    shoot(phone, shots, "valid")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"document_name": "户籍证明"}, "altered"),
        ({"masked_id": "610202********9999"}, "altered"),
        ({"validity_days": 365}, "altered"),
        ({"community_code": "610202009"}, "altered"),
    ],
    ids=["name", "masked-id", "validity", "community"],
)
def test_a_field_changed_under_its_signature_is_altered(
    site: Site, phone: WebDriver, change: dict[str, object], reason: str
) -> None:
    """GIVEN a genuine link WHEN a signed field is re-encoded with another value and the old
    signature THEN 无效 / INVALID: altered, and no particulars are shown."""
    link = tampered(site.papers.genuine.qr_payload or "", **change)
    assert open_link(phone, link) == "invalid"
    assert phone.execute_script("return document.documentElement.dataset.reason") == reason
    assert headline(phone) == ("无效", "INVALID", "内容与签名不符，证明被篡改")
    assert seen(phone, "particulars") == "" and seen(phone, "holder") == ""


@pytest.mark.parametrize(
    ("byte", "reason"),
    [(-2, "altered"), (-60, "altered"), (-80, "altered"), (-68, "unknown_key"), (0, "malformed")],
    ids=["signature-end", "signature-start", "digest", "key-id", "format-byte"],
)
def test_a_character_changed_anywhere_is_refused(
    site: Site, phone: WebDriver, byte: int, reason: str
) -> None:
    """GIVEN a genuine link WHEN one character of the fragment changes (in the signature, the
    text digest, the key id, the format byte) THEN INVALID with the matching reason."""
    assert open_link(phone, flipped(site.papers.genuine.qr_payload or "", byte)) == "invalid"
    assert phone.execute_script("return document.documentElement.dataset.reason") == reason


def test_a_truncated_link_is_malformed(site: Site, phone: WebDriver, shots: Path) -> None:
    """GIVEN a link cut short (a torn or badly scanned code) THEN INVALID: malformed."""
    assert open_link(phone, (site.papers.genuine.qr_payload or "")[:-30]) == "invalid"
    assert headline(phone)[2] == "二维码内容不完整或格式错误"
    shoot(phone, shots, "malformed")


def test_an_altered_paper_screenshot(site: Site, phone: WebDriver, shots: Path) -> None:
    """GIVEN a forged document name THEN the clerk sees 无效 and why, on a readable page."""
    link = tampered(site.papers.genuine.qr_payload or "", document_name="户籍证明")
    assert open_link(phone, link) == "invalid"
    assert phone.execute_script(READABILITY) == []
    shoot(phone, shots, "altered")


def test_an_unknown_key_is_invalid(site: Site, phone: WebDriver, shots: Path) -> None:
    """GIVEN a paper signed by a key the district never certified THEN INVALID: unknown key."""
    assert open_link(phone, site.papers.unknown.qr_payload or "") == "invalid"
    assert headline(phone) == ("无效", "INVALID", "签发密钥不在本区信任列表中")
    shoot(phone, shots, "unknown-key")


def test_a_revoked_key_is_invalid(site: Site, phone: WebDriver, shots: Path) -> None:
    """GIVEN a genuine signature by a terminal key the root has revoked THEN INVALID: revoked,
    with the date of revocation."""
    assert open_link(phone, site.papers.revoked.qr_payload or "") == "invalid"
    zh, en, why = headline(phone)
    assert (zh, en) == ("无效", "INVALID")
    assert why.startswith("签发终端的密钥已被吊销（吊销于 20")
    assert "revoked key" in seen(phone, "reason-en")
    shoot(phone, shots, "revoked")


def test_a_key_of_another_community_is_a_community_mismatch(
    site: Site, phone: WebDriver, shots: Path
) -> None:
    """GIVEN a paper for 610202001 signed by a key certified for 610202002 THEN INVALID:
    community mismatch (15.6)."""
    assert open_link(phone, site.papers.community.qr_payload or "") == "invalid"
    assert headline(phone)[2] == "证明所属社区与签发终端的社区不符"
    shoot(phone, shots, "community-mismatch")


def test_a_voided_serial_is_voided_online(site: Site, phone: WebDriver, shots: Path) -> None:
    """GIVEN a genuine paper whose serial staff voided WHEN opened online THEN 已作废 / VOIDED,
    checked online."""
    assert open_link(phone, site.papers.voided.qr_payload or "") == "voided"
    assert headline(phone) == ("已作废", "VOIDED", "此证明已被出具单位作废，不再有效")
    assert seen(phone, "void-note").startswith("已联网核查：已作废")
    assert phone.execute_script(READABILITY) == []
    shoot(phone, shots, "voided")


def test_a_pending_paper_is_pending(site: Site, phone: WebDriver, shots: Path) -> None:
    """GIVEN an unsealed 待审核 paper THEN 待审核 / PENDING, with its particulars."""
    assert open_link(phone, site.papers.pending.qr_payload or "") == "pending"
    assert headline(phone)[:2] == ("待审核", "PENDING")
    assert seen(phone, "p-serial") == site.papers.pending.serial
    assert phone.execute_script(READABILITY) == []
    shoot(phone, shots, "pending")


def _check_holder(phone: WebDriver, name: str, id_number: str) -> str:
    phone.execute_script("document.getElementById('holder-result').hidden = true")
    for element_id, value in (("holder-name", name), ("holder-id", id_number)):
        field = phone.find_element(By.ID, element_id)
        field.clear()
        field.send_keys(value)
    phone.find_element(By.ID, "holder-check").click()
    WebDriverWait(phone, 20).until(
        lambda d: d.find_element(By.ID, "holder-result").get_attribute("data-match")
    )
    result = seen(phone, "holder-result")
    phone.execute_script("delete document.getElementById('holder-result').dataset.match")
    return result


def test_the_holder_box_matches_the_card_in_front_of_the_clerk(
    site: Site, phone: WebDriver, shots: Path
) -> None:
    """GIVEN a genuine paper WHEN the clerk types the name and ID number from the holder's card
    THEN 一致 (a lower-case x and spaces do not matter); another name THEN 不一致."""
    assert open_link(phone, site.papers.genuine.qr_payload or "") == "valid"
    spaced = f"{HOLDER_ID[:6]} {HOLDER_ID[6:14]} {HOLDER_ID[14:]}"
    assert _check_holder(phone, HOLDER_NAME, spaced).startswith("一致")
    phone.execute_script("document.getElementById('holder').scrollIntoView()")
    shoot(phone, shots, "holder")
    assert _check_holder(phone, "王秀云", HOLDER_ID).startswith("不一致")


def test_a_link_without_a_payload_asks_for_a_scan(site: Site, phone: WebDriver) -> None:
    """GIVEN the page opened without a fragment THEN it says to scan the QR code."""
    open_link(phone, site.base_url)
    assert headline(phone)[2] == "请用手机相机扫描证明上的二维码"


def test_offline_after_the_first_visit(site: Site, tmp_path: Path, shots: Path) -> None:
    """GIVEN a phone that opened one genuine paper online (the page, trust bundle and signed
    void list are cached) WHEN the server is gone THEN the page still loads and verifies: a
    genuine paper VALID with "could not check for voids" and the void list's date, a voided
    serial VOIDED from that list, a revoked key still INVALID."""
    need_chromium()
    driver = chromium(tmp_path / "profile")
    try:
        assert open_link(driver, site.papers.genuine.qr_payload or "") == "valid"
        WebDriverWait(driver, 20).until(
            lambda d: d.execute_script(
                "const s = document.documentElement.dataset;"
                "return s.offline === 'ready' && Boolean(s.voidsCached)"
            )
        )
        as_of = str(driver.execute_script("return document.documentElement.dataset.voidsCached"))
        site.server.stop()
        try:
            assert open_link(driver, site.papers.genuine.qr_payload or "") == "valid"
            note, english = seen(driver, "void-note").splitlines()
            assert note.startswith("无法联网核查是否作废；据 ") and note.endswith("未作废")
            assert english.startswith("Could not check online for voids")
            assert as_of.replace("T", " ")[:16] in note
            assert driver.execute_script("return document.documentElement.dataset.voids") == "list"
            shoot(driver, shots, "offline")
            assert open_link(driver, site.papers.voided.qr_payload or "") == "voided"
            assert "的作废名单已作废" in seen(driver, "void-note")
            assert open_link(driver, site.papers.revoked.qr_payload or "") == "invalid"
            assert headline(driver)[2].startswith("签发终端的密钥已被吊销")
        finally:
            site.server.start()
    finally:
        driver.quit()
