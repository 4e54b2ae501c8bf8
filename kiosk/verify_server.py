"""`kiosk verify-server`: the verification page, the district's trust bundle and void status.

A Starlette app with a read-only database connection. At the path of `verify.base_url` (e.g.
/v/) it serves the static page (kiosk/web), `trust.json` (the installed bundle: roots,
certificates, revocation lists) and `voids.json` (the voided serials, signed by this server's
certified "voids" key, or by a root kept beside it in a demo). `/status/<serial>` answers
`{"serial", "voided", "pending"}` and nothing else: no names, no reasons. The document's payload
is in the link's fragment, which browsers never send, so no request or log holds it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from forms.signed import Signed
from kiosk.config import Config

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent / "web"
ASSETS = {
    "verify.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "sw.js": "text/javascript; charset=utf-8",
}
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
VOID_LIST_SECONDS = 30.0  # how long one signed void list is served before it is made again
PENDING_STATUSES = frozenset({"pending", "pending_review"})


def page_path(base_url: str) -> str:
    """The path the QR links point at (always ending in /)."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def read_only_engine(url: str) -> Engine:
    """An engine that cannot write: SQLite opened mode=ro, PostgreSQL in READ ONLY transactions
    (give it a role with SELECT on issuances only, too)."""
    from kiosk.db.engine import PG_CONNECT_ARGS, normalise_url

    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            raise ValueError("the verify server needs a database file, not an in-memory one")
        file_url = f"sqlite:///file:{Path(database).expanduser()}?mode=ro&uri=true"
        return create_engine(file_url, hide_parameters=True)
    engine = create_engine(
        parsed, pool_pre_ping=True, connect_args=dict(PG_CONNECT_ARGS), hide_parameters=True
    )
    return engine.execution_options(postgresql_readonly=True)


@dataclass(frozen=True)
class IssuanceState:
    """What /status/<serial> may say."""

    voided: bool
    pending: bool


class Register:
    """Read-only questions to the issuance records."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def state(self, serial: str) -> IssuanceState | None:
        """The serial's state, or None if it is not in these records."""
        from kiosk.db.models import Issuance

        with self.engine.connect() as conn:
            status = conn.execute(
                select(Issuance.status).where(Issuance.serial == serial)
            ).scalar_one_or_none()
        if status is None:
            return None
        return IssuanceState(voided=status == "voided", pending=status in PENDING_STATUSES)

    def voided_serials(self) -> set[str]:
        """Every voided serial."""
        from kiosk.db.models import Issuance

        with self.engine.connect() as conn:
            rows = conn.execute(select(Issuance.serial).where(Issuance.status == "voided"))
            return {row[0] for row in rows}


VoidSigner = Callable[[set[str], datetime], Signed]


def void_signer(key_dir: Path) -> VoidSigner | None:
    """What signs void lists here: a key certified for "voids", else a root beside it (a
    district root machine, or the demo root); None if neither is present."""
    from datetime import date

    from forms.certified import load_bundle
    from forms.district import DEMO_ROOT_DIR, DistrictRoot, voids_body
    from forms.errors import FormsError
    from forms.keys import PRIVATE_FILE, ROOT_NAME, load_signing_key
    from forms.signed import sign
    from forms.trust import PURPOSE_VOIDS

    try:
        if (key_dir / PRIVATE_FILE).exists():
            key = load_signing_key(key_dir)
            store = load_bundle(key_dir)
            cert = store.certificates.get(key.fingerprint)
            if cert and cert.purpose == PURPOSE_VOIDS and cert.covers(date.today()):
                return lambda serials, now: sign(voids_body(serials, now), key)
        for name in ("root", DEMO_ROOT_DIR):
            if (key_dir / name / f"{ROOT_NAME}.pem").exists():
                root = DistrictRoot.open(key_dir / name, demo=name == DEMO_ROOT_DIR)
                return root.sign_voids
    except FormsError as exc:
        log.error("no void list: %s", exc.detail)
    return None


class VerifyService:
    """The app's state: where the page and trust live, the register, the void-list signer."""

    def __init__(
        self,
        key_dir: Path,
        register: Register | None,
        signer: VoidSigner | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.key_dir, self.register, self.signer, self.clock = key_dir, register, signer, clock
        self._voids: tuple[float, bytes] | None = None

    def trust_json(self) -> bytes:
        """The installed bundle, read afresh: `kiosk keys install` takes effect at once."""
        from forms.certified import load_bundle

        return json.dumps(load_bundle(self.key_dir).to_json(), ensure_ascii=False).encode()

    def voids_json(self) -> bytes | None:
        """The signed void list (made at most every VOID_LIST_SECONDS), or None."""
        if self.signer is None or self.register is None:
            return None
        now = self.clock()
        if self._voids is None or now - self._voids[0] > VOID_LIST_SECONDS:
            serials = self.register.voided_serials()
            signed = self.signer(serials, datetime.now().replace(microsecond=0))
            self._voids = (now, json.dumps(signed.to_json(), ensure_ascii=False).encode())
        return self._voids[1]


def _respond(body: bytes | str, media_type: str, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type=media_type, headers=HEADERS)


def create_app(config: Config, service: VerifyService) -> Starlette:
    """The ASGI app: the page at the QR links' path, its files, trust, voids and status."""
    base = page_path(config.verify.base_url)

    async def page(request: Request) -> Response:
        return _respond((WEB_DIR / "index.html").read_bytes(), "text/html; charset=utf-8")

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name == "trust.json":
            return _respond(service.trust_json(), "application/json")
        if name == "voids.json":
            try:
                voids = service.voids_json()
            except SQLAlchemyError as exc:
                log.error("void list unavailable: %s", type(exc).__name__)
                voids = None
            if voids is None:
                return _respond(b'{"error": "no void list"}', "application/json", 503)
            return _respond(voids, "application/json")
        if name not in ASSETS:
            return _respond(b"not found", "text/plain", 404)
        return _respond((WEB_DIR / name).read_bytes(), ASSETS[name])

    async def status(request: Request) -> Response:
        serial = request.path_params["serial"]
        if service.register is None or len(serial) > 40:
            return JSONResponse({"error": "unavailable"}, status_code=503, headers=HEADERS)
        try:
            state = service.register.state(serial)
        except SQLAlchemyError as exc:
            log.error("status unavailable: %s", type(exc).__name__)
            return JSONResponse({"error": "unavailable"}, status_code=503, headers=HEADERS)
        answer = state or IssuanceState(voided=False, pending=False)
        body = {"serial": serial, "voided": answer.voided, "pending": answer.pending}
        return JSONResponse(body, headers=HEADERS)

    async def home(request: Request) -> Response:
        return RedirectResponse(base)

    routes = [
        Route(base, page),
        Route(base + "{name}", asset),
        Route("/status/{serial}", status),
    ]
    if base != "/":
        routes.append(Route("/", home))
    return Starlette(routes=routes)


def build_service(config: Config) -> VerifyService:
    """The service for a configuration: read-only register, void signer, key directory."""
    url = config.verify.database_url or config.database.url
    register = None
    try:
        register = Register(read_only_engine(url))
    except (ValueError, SQLAlchemyError, ImportError) as exc:
        log.error("no register: %s", exc)
    return VerifyService(config.key_dir, register, void_signer(config.key_dir))
