"""The verification page in a real browser, and the printed QR code through zbar.

`verify_page_time`: Debian's headless Chromium (selenium) opens a document's link on the local
`kiosk verify-server` app; from navigation start to the final verdict (signature, certificate
chain, revocation and the online void check), as the page reports it (performance.now()).
`qr_decode_rate`: the certificate's QR code, rasterised at 150, 200 and 300 dpi, blurred and
noised 100 times each, decoded by zbarimg.

The harness (a small district, a live server, a phone-sized Chromium) is shared with
tests/verify.
"""

from __future__ import annotations

import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from forms.certified import install
from forms.district import DistrictRoot, KeyRequest, make_request, voids_body
from forms.document import Document, Field
from forms.keys import SigningKey
from forms.signed import Signed, sign
from forms.trust import PURPOSE_DOCUMENTS, PURPOSE_VOIDS
from kiosk.bench import Measurement
from kiosk.config import Config, load_config

if TYPE_CHECKING:
    from PIL import Image
    from selenium.webdriver.chrome.webdriver import WebDriver
    from starlette.applications import Starlette

PHONE = (390, 844)
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
COMMUNITY, OTHER_COMMUNITY = "610202001", "610202002"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """An ASGI app on uvicorn in a thread, on a fixed port: stop() is the network going away."""

    def __init__(self, app: Starlette, port: int) -> None:
        self.app, self.port = app, port
        self._thread: threading.Thread | None = None
        self._server: object = None

    def start(self) -> None:
        """Serve until stop(); returns once the port accepts connections."""
        import uvicorn

        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="error", access_log=False
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(target=server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"verify server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Close the listening socket and wait for the thread."""
        import uvicorn

        if isinstance(self._server, uvicorn.Server) and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._thread = None


def chromium(profile: Path, size: tuple[int, int] = PHONE) -> WebDriver:
    """Headless Debian Chromium with its own profile, emulating a phone of `size` CSS pixels."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",  # as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={size[0]},{size[1]}",
        f"--user-data-dir={profile}",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": True},
    )
    return driver


def open_link(driver: WebDriver, link: str, timeout: float = 20) -> str:
    """Open `link` afresh and wait for the final verdict; returns it (valid, invalid, ...)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get("about:blank")
    driver.get(link)
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.documentElement.dataset.done || ''")
    )
    return str(driver.execute_script("return document.documentElement.dataset.verdict"))


@dataclass
class District:
    """A root, keys of every kind, a register and a verify server's key directory."""

    root: DistrictRoot
    server_dir: Path
    database_url: str
    terminal: SigningKey  # certified for COMMUNITY
    other: SigningKey  # certified for OTHER_COMMUNITY
    revoked: SigningKey  # certified for COMMUNITY, then revoked
    unknown: SigningKey  # never certified
    voids: SigningKey  # certified for signing void lists

    def certify(self, key: SigningKey, purpose: str, community: str, today: date) -> None:
        """Have the root certify `key` (as `kiosk keys request` + `certify` do)."""
        request = make_request(
            key, purpose=purpose, terminal_id=f"T-{key.fingerprint[:4]}", community_code=community,
            community="红旗街社区" if community == COMMUNITY else "桃园社区", issuer="居委会",
            now=datetime.now(),
        )  # fmt: skip
        self.root.certify(KeyRequest.parse(request), today=today - timedelta(days=30))


def make_district(folder: Path, base_url: str, today: date | None = None) -> District:
    """Everything a verify server and its documents need, under `folder`."""
    from sqlalchemy import create_engine

    from kiosk.db.models import Base

    today = today or date.today()
    keys = [replace(SigningKey.generate_ephemeral(), verify_url=base_url) for _ in range(5)]
    root = DistrictRoot.init(folder / "root")
    database = folder / "register.sqlite3"
    engine = create_engine(f"sqlite:///{database}")
    Base.metadata.create_all(engine)
    engine.dispose()
    district = District(root, folder / "server-keys", f"sqlite:///{database}", *keys)
    district.certify(district.terminal, PURPOSE_DOCUMENTS, COMMUNITY, today)
    district.certify(district.other, PURPOSE_DOCUMENTS, OTHER_COMMUNITY, today)
    district.certify(district.revoked, PURPOSE_DOCUMENTS, COMMUNITY, today)
    district.certify(district.voids, PURPOSE_VOIDS, COMMUNITY, today)
    root.revoke(district.revoked.fingerprint, "终端被盗", datetime.now().replace(microsecond=0))
    install(district.server_dir, root.store(), own_key=None, community_code=None)
    return district


def record(database_url: str, serial: str, status: str) -> None:
    """Put an issuance with this serial and status in the register."""
    from sqlalchemy import create_engine, insert

    from kiosk.db.models import Issuance

    row = {
        "serial": serial, "item_id": "residence_certificate", "resident_id": 1,
        "terminal_id": "WY-DEMO-01", "inputs": {}, "paper": "a4", "copies": 1,
        "created_at": datetime.now().replace(microsecond=0), "status": status, "reprints": 0,
        "document": {},
    }  # fmt: skip
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(insert(Issuance).values(**row))
    engine.dispose()


def server_for(district: District, port: int) -> LiveServer:
    """The `kiosk verify-server` app for this district on `port` (not started)."""
    from kiosk.verify_server import Register, VerifyService, create_app, read_only_engine

    config = phone_config(district.server_dir.parent, port)
    register = Register(read_only_engine(district.database_url))
    voids = district.voids

    def sign_voids(serials: set[str], now: datetime) -> Signed:
        """The void list as the server's certified voids key signs it."""
        return sign(voids_body(serials, now), voids)

    service = VerifyService(district.server_dir, register, sign_voids)
    return LiveServer(create_app(config, service), port)


def phone_config(folder: Path, port: int) -> Config:
    """A configuration whose verify.base_url is the local server on `port`."""
    return load_config(
        env={
            "KIOSK_PATHS_DATA_DIR": str(folder / "data"),
            "KIOSK_VERIFY_BASE_URL": f"http://127.0.0.1:{port}/v/",
        }
    )


HOLDER_NAME, HOLDER_ID = "王秀英", "610202195803151234"


def sample_certificate(serial_number: int, today: date) -> Document:
    """A residence certificate of COMMUNITY for HOLDER_NAME, issued `today` (in force)."""
    return Document(
        layout="certificate", paper="a4", title="居住证明",
        body="兹证明王秀英（女，公民身份号码610202********1234）居住在红旗街社区幸福小区3号楼。\n\n特此证明。",
        serial=f"{COMMUNITY}-{today:%Y%m%d}-{serial_number:05d}",
        issuer_name="铜川市王益区红旗街社区居民委员会", issue_date=today,
        created_at=datetime.combine(today, datetime.min.time()).replace(hour=9),
        terminal_id="WY-DEMO-01",
        particulars=(Field("姓名", "王秀英"), Field("公民身份号码", "610202********1234")),
        purpose="本证明仅用于办理城乡居民养老保险待遇资格认证", validity_days=30,
    )  # fmt: skip


def signed(doc: Document, key: SigningKey, community: str = COMMUNITY) -> Document:
    """`doc` with the QR link `key` signs for it (as kiosk.documents does)."""
    from forms.verify import sign_document

    link = sign_document(
        doc, id_number=HOLDER_ID, name=HOLDER_NAME, key=key, community_code=community
    )
    return replace(doc, qr_payload=link, key_fingerprint=key.fingerprint)


@contextmanager
def live_district() -> Iterator[tuple[District, LiveServer, Path]]:
    """A district under a temporary folder with its verify server running."""
    with tempfile.TemporaryDirectory(prefix="verify-bench-") as tmp:
        folder, port = Path(tmp), free_port()
        district = make_district(folder, f"http://127.0.0.1:{port}/v/")
        server = server_for(district, port)
        server.start()
        try:
            yield district, server, folder
        finally:
            server.stop()


def verify_page_time(config: Config) -> Measurement:
    """Page load to verdict for a genuine certificate, local server, phone-sized Chromium."""
    samples: list[float] = []
    with live_district() as (district, _server, folder):
        doc = signed(sample_certificate(17, date.today()), district.terminal)
        record(district.database_url, doc.serial, "printed")
        driver = chromium(folder / "profile")
        try:
            first = _timed_load(driver, doc.qr_payload or "")
            for _ in range(20):
                samples.append(_timed_load(driver, doc.qr_payload or ""))
        finally:
            driver.quit()
    samples.sort()
    median = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return Measurement(
        "verify_page_time", median, "ms", p99=p99,
        note=f"first visit {first:.0f} ms; goal < 2000 ms (navigation start to VALID, "
        "void status checked online)",
    )  # fmt: skip


def _timed_load(driver: WebDriver, link: str) -> float:
    verdict = open_link(driver, link)
    if verdict != "valid":
        raise RuntimeError(f"the benchmark document verified as {verdict}")
    return float(driver.execute_script("return Number(document.documentElement.dataset.done)"))


DPIS = (150, 200, 300)
RENDERS = 100


def qr_decode_rate(config: Config) -> Measurement:
    """Share of degraded renders of the certificate's QR that zbarimg decodes, all dpis; the
    baseline is a KV1-sized code (the text payload printed before links) under the same
    degradations."""
    key = replace(SigningKey.generate_ephemeral(), verify_url=config.verify.base_url)
    doc = signed(sample_certificate(17, date.today()), key)
    rng = random.Random(13)
    legacy = "KV1:" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(271))
    with tempfile.TemporaryDirectory(prefix="qr-bench-") as tmp:
        rates = _decode_rates(doc, Path(tmp))
        old = _decode_rates(replace(doc, qr_payload=legacy), Path(tmp))
    overall, baseline = statistics.mean(rates.values()), statistics.mean(old.values())
    shown = ", ".join(f"{dpi} dpi {rates[dpi]:.0%} (KV1 {old[dpi]:.0%})" for dpi in DPIS)
    return Measurement(
        "qr_decode_rate", overall, "share decoded", baseline=baseline,
        note=f"{shown}; {RENDERS} renders each, blur sigma 0.05-0.15 mm, noise sigma 4-32",
    )  # fmt: skip


def _decode_rates(doc: Document, folder: Path) -> dict[int, float]:
    """dpi -> share of RENDERS degraded crops of doc's QR that decode to doc.qr_payload."""
    from forms.render import render

    text = doc.qr_payload or ""
    head = text.split("#")[0] + "#" if "#" in text else "KV1:"
    other = replace(doc, qr_payload=head + "A" * (len(text) - len(head)))
    pdf, other_pdf = render(doc), render(other)
    rates = {}
    for dpi in DPIS:
        page, box = _qr_crop(pdf, other_pdf, dpi)
        crop, rng = page.crop(box), random.Random(dpi)  # the same degradations for each code
        paths = []
        for i in range(RENDERS):
            path = folder / f"{dpi}-{i:03d}.png"
            degrade(crop, dpi, rng).save(path)
            paths.append(path)
        rates[dpi] = zbar_count(paths, text) / RENDERS
    return rates


def _page(pdf: bytes, dpi: int) -> Image.Image:
    """Page 1 in grey at `dpi`, as the printed sheet would be scanned."""
    from forms.pdf import open_pdf

    document = open_pdf(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
        page.close()
    finally:
        document.close()
    return image


def _qr_crop(
    pdf: bytes, other_pdf: bytes, dpi: int
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """Page 1 at `dpi`, and the QR's box: where a render with another QR code differs, widened
    by its quiet zone."""
    from PIL import ImageChops

    page = _page(pdf, dpi)
    box = ImageChops.difference(page, _page(other_pdf, dpi)).getbbox()
    if box is None:
        raise RuntimeError("no QR code found on the page")
    left, top, right, bottom = box
    margin = (right - left) // 6
    return page, (left - margin, top - margin, right + margin, bottom + margin)


def degrade(image: Image.Image, dpi: int, rng: random.Random) -> Image.Image:
    """A print-and-camera look: Gaussian blur of sigma 0.05-0.15 mm (a slightly defocused
    phone camera), then Gaussian noise of sigma 4-32 grey levels (its sensor)."""
    from PIL import Image as PilImage
    from PIL import ImageChops, ImageFilter

    blur_px = rng.uniform(0.05, 0.15) * dpi / 25.4
    blurred = image.filter(ImageFilter.GaussianBlur(blur_px))
    noise = PilImage.effect_noise(image.size, rng.uniform(4, 32))
    return ImageChops.add(blurred, noise, scale=1.0, offset=-128)


def zbar_count(paths: list[Path], expected: str) -> int:
    """How many of the images zbarimg decodes to exactly `expected` (one QR per image)."""
    if shutil.which("zbarimg") is None:
        raise RuntimeError("zbarimg missing: apt-get install zbar-tools")
    done = subprocess.run(
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", *map(str, paths)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    return sum(1 for line in done.stdout.splitlines() if line == expected)
