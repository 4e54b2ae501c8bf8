"""Cards in PC/SC readers through pcscd (pyscard's `scard` layer, one context per reader).

URI: ``pcsc://`` (first reader) or ``pcsc://<part of the reader name>``, with optional
``?profiles=ssse,idcard_ffb0`` (card profiles tried in order; default ``ssse``). Insertion
and removal come from SCardGetStatusChange on the watching thread; pcscd going away is
reported as ReaderServiceError (state NO_SERVICE) and the caller re-opens later.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import unquote

from smartcard import scard

from card_reader.apdu import split_response
from card_reader.base import (
    CardReaderError,
    CardRemovedError,
    Identity,
    NoCardError,
    NoReaderError,
    ReaderConfigError,
    ReaderServiceError,
    ReaderState,
    ReaderTimeoutError,
    UnreadableCardError,
)
from card_reader.profile import CardProfile, load_profile, read_with_profiles
from card_reader.state import ReaderStateKeeper
from card_reader.uri import split_reader_uri

log = logging.getLogger(__name__)


def _code(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


SERVICE_GONE = {
    _code(scard.SCARD_E_NO_SERVICE),
    _code(scard.SCARD_E_SERVICE_STOPPED),
    _code(scard.SCARD_E_INVALID_HANDLE),
    _code(scard.SCARD_F_COMM_ERROR),
}
READER_GONE = {
    _code(scard.SCARD_E_UNKNOWN_READER),
    _code(scard.SCARD_E_READER_UNAVAILABLE),
    _code(scard.SCARD_E_NO_READERS_AVAILABLE),
}
CARD_GONE = {
    _code(scard.SCARD_W_REMOVED_CARD),
    _code(scard.SCARD_E_NO_SMARTCARD),
    _code(scard.SCARD_W_RESET_CARD),
}
CARD_BAD = {
    _code(scard.SCARD_W_UNRESPONSIVE_CARD),
    _code(scard.SCARD_W_UNPOWERED_CARD),
    _code(scard.SCARD_W_UNSUPPORTED_CARD),
    _code(scard.SCARD_E_PROTO_MISMATCH),
    _code(scard.SCARD_E_NOT_TRANSACTED),
}
NOT_TRANSACTED = _code(scard.SCARD_E_NOT_TRANSACTED)
TIMEOUT = _code(scard.SCARD_E_TIMEOUT)
SLICE_MS = 200  # longest single GetStatusChange wait


def error_for(hresult: int, where: str) -> CardReaderError:
    """The typed error for a PC/SC return code (the code is kept on `.code`)."""
    code = _code(hresult)
    try:
        text = scard.SCardGetErrorMessage(hresult)
    except Exception:  # pyscard raises on codes it does not know
        text = "unknown error"
    detail = f"{where}: {text} (0x{code:08X})"
    if code in SERVICE_GONE:
        return ReaderServiceError(detail, code=code)
    if code in READER_GONE:
        return NoReaderError(detail, code=code)
    if code in CARD_GONE:
        return CardRemovedError(detail, code=code)
    if code in CARD_BAD:
        return UnreadableCardError(detail, code=code)
    if code == TIMEOUT:
        return ReaderTimeoutError(detail, code=code)
    return CardReaderError(detail, code=code)


def list_readers() -> list[str]:
    """Reader names pcscd offers; ReaderServiceError if pcscd is not running."""
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise error_for(hresult, "establish context")
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        if _code(hresult) == _code(scard.SCARD_E_NO_READERS_AVAILABLE):
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise error_for(hresult, "list readers")
        return list(readers)
    finally:
        scard.SCardReleaseContext(context)


class PcscReader(ReaderStateKeeper):
    """A PC/SC reader, reading cards with data-driven profiles (SSSE by default)."""

    def __init__(self, uri: str, *, profiles: list[CardProfile] | None = None) -> None:
        super().__init__()
        parts, query = split_reader_uri(uri, "pcsc")
        self.uri = uri
        self.name_part = unquote(parts.netloc + parts.path).strip("/")
        names = query.get("profiles", ["ssse"])[0].split(",")
        self.profiles = profiles or [load_profile(n.strip()) for n in names if n.strip()]
        if not self.profiles:
            raise ReaderConfigError("pcsc URI: no card profiles")
        self.reader_name: str | None = None
        self._context: int | None = None
        self._event_state = scard.SCARD_STATE_UNAWARE
        self._lock = threading.RLock()

    # -- Reader protocol ---------------------------------------------------------------
    def open(self) -> None:
        """Connect to pcscd and pick the reader; ReaderServiceError / NoReaderError if absent."""
        with self._lock:
            if self._context is not None:
                return
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                self._set_state(ReaderState.NO_SERVICE)
                raise error_for(hresult, "establish context")
            self._context = context
            try:
                self.reader_name = self._pick_reader()
            except CardReaderError as exc:
                self.close()
                self._set_state(exc.state)
                raise
            self._event_state = scard.SCARD_STATE_UNAWARE
            self._set_state(ReaderState.READY)

    def close(self) -> None:
        """Release the PC/SC context. Safe to call twice."""
        with self._lock:
            context, self._context = self._context, None
            if context is not None:
                scard.SCardReleaseContext(context)
            self._forget_state()

    def wait_for_card(self, timeout: float) -> Identity:
        """Wait for a card event, then read it with the profiles; NoCardError on timeout."""
        with self._lock:
            if not self._wait_for(present=True, timeout=timeout):
                self._set_state(ReaderState.READY)
                raise NoCardError(f"no card within {timeout:g} s")
            self._set_state(ReaderState.CARD_PRESENT)
            try:
                identity = self._read()
            except (NoReaderError, ReaderServiceError, CardRemovedError):
                raise
            except CardReaderError:
                self._set_state(ReaderState.ERROR)
                raise
            self._set_state(ReaderState.CARD_PRESENT)
            return identity

    def card_present(self) -> bool:
        """True while a card is in the reader."""
        with self._lock:
            return self._wait_for(present=True, timeout=0)

    def wait_for_removal(self, timeout: float) -> bool:
        """True once the card has left the reader (event from pcscd), False after `timeout`."""
        with self._lock:
            gone = self._wait_for(present=False, timeout=timeout)
            if gone:
                self._set_state(ReaderState.READY)
            return gone

    # -- internals ---------------------------------------------------------------------
    def _require_context(self) -> int:
        if self._context is None:
            raise NoReaderError("PC/SC reader is not open")
        return self._context

    def _pick_reader(self) -> str:
        hresult, readers = scard.SCardListReaders(self._require_context(), [])
        if _code(hresult) == _code(scard.SCARD_E_NO_READERS_AVAILABLE):
            readers = []
        elif hresult != scard.SCARD_S_SUCCESS:
            raise error_for(hresult, "list readers")
        for name in map(str, readers):
            if self.name_part.lower() in name.lower():
                return name
        wanted = f" matching {self.name_part!r}" if self.name_part else ""
        raise NoReaderError(f"no PC/SC reader{wanted}")

    def _wait_for(self, *, present: bool, timeout: float) -> bool:
        """Block on pcscd's status changes until the card is (not) there, or timeout."""
        context = self._require_context()
        end = time.monotonic() + timeout
        current = scard.SCARD_STATE_UNAWARE  # first ask for the state as it is now
        while True:
            remaining_ms = max(int((end - time.monotonic()) * 1000), 0)
            wait_ms = 0 if current == scard.SCARD_STATE_UNAWARE else min(remaining_ms, SLICE_MS)
            hresult, states = scard.SCardGetStatusChange(
                context, wait_ms, [(self.reader_name, current)]
            )
            code = _code(hresult)
            if code == TIMEOUT:
                if time.monotonic() >= end:
                    return False
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                raise error_for(hresult, "wait for card")
            _, event, _atr = states[0]
            if event & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                raise NoReaderError(f"{self.reader_name} went away")
            is_present = bool(event & scard.SCARD_STATE_PRESENT)
            if is_present == present:
                if present and event & scard.SCARD_STATE_MUTE:
                    raise UnreadableCardError("the card does not answer (mute)")
                return True
            if time.monotonic() >= end:
                return False
            current = event & ~scard.SCARD_STATE_CHANGED

    def _read(self) -> Identity:
        context = self._require_context()
        hresult, card, protocol = scard.SCardConnect(
            context,
            self.reader_name,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if hresult != scard.SCARD_S_SUCCESS:
            raise error_for(hresult, "connect")
        self._set_state(ReaderState.READING)
        link = {"protocol": protocol}

        def raw(apdu: bytes) -> tuple[bytes, int, int]:
            """One APDU over the current protocol (it changes if the card is reset)."""
            hr, response = scard.SCardTransmit(card, link["protocol"], list(apdu))
            if hr != scard.SCARD_S_SUCCESS:
                raise error_for(hr, f"transmit {apdu[:4].hex()}")
            return split_response(bytes(response))

        try:
            try:
                return read_with_profiles(self.profiles, raw)
            except UnreadableCardError as exc:
                if exc.code != NOT_TRANSACTED:
                    raise
                # a card swapped faster than pcscd polls is still unpowered: reset it once
                log.info("card did not answer (%s); resetting it", exc.detail)
                hr, link["protocol"] = scard.SCardReconnect(
                    card,
                    scard.SCARD_SHARE_SHARED,
                    scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
                    scard.SCARD_RESET_CARD,
                )
                if hr != scard.SCARD_S_SUCCESS:
                    raise error_for(hr, "reset card") from None
                return read_with_profiles(self.profiles, raw)
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
