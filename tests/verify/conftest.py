"""A small district for the verification tests (kiosk.benchmarks.verify builds it): a root,
terminal keys certified for two communities, a revoked key, an unknown key and a voids key;
documents of every verdict; a register with voided and pending serials; a live verify server
and a phone-sized headless Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from forms.document import Document
from kiosk.benchmarks.verify import (
    COMMUNITY,
    District,
    LiveServer,
    free_port,
    make_district,
    record,
    sample_certificate,
    server_for,
    signed,
)

SCREENSHOTS = os.environ.get("VERIFY_SCREENSHOTS")  # a folder: keep each verdict's picture


@dataclass(frozen=True)
class Papers:
    """One document per verdict, signed for the live server's base URL."""

    genuine: Document
    voided: Document
    pending: Document
    revoked: Document
    unknown: Document
    community: Document  # signed by a key certified for another community


@dataclass
class Site:
    """The district, its running server and its papers."""

    district: District
    server: LiveServer
    base_url: str
    papers: Papers
    folder: Path


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A district with its verify server running on a fixed port for the whole session."""
    folder = tmp_path_factory.mktemp("district")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v/"
    district = make_district(folder, base_url)
    today = date.today()
    papers = Papers(
        genuine=signed(sample_certificate(17, today), district.terminal),
        voided=signed(sample_certificate(18, today), district.terminal),
        pending=signed(replace(sample_certificate(19, today), status="pending"), district.terminal),
        revoked=signed(sample_certificate(20, today), district.revoked),
        unknown=signed(sample_certificate(21, today), district.unknown),
        community=signed(sample_certificate(22, today), district.other, community=COMMUNITY),
    )
    record(district.database_url, papers.genuine.serial, "printed")
    record(district.database_url, papers.voided.serial, "voided")
    record(district.database_url, papers.pending.serial, "pending_review")
    server = server_for(district, port)
    server.start()
    try:
        yield Site(district, server, base_url, papers, folder)
    finally:
        server.stop()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: $VERIFY_SCREENSHOTS (e.g. docs/screenshots) or a temp folder."""
    return Path(SCREENSHOTS) if SCREENSHOTS else tmp_path


def need_chromium() -> None:
    """Skip (loudly) without Debian's chromium and chromium-driver."""
    missing = [t for t in ("chromium", "chromedriver") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"missing {', '.join(missing)} (apt-get install chromium chromium-driver)")
