"""A virtual card for vsmartcard's vpcd driver: pcscd sees a real reader with a real card.

Speaks the vpcd protocol (2-byte big-endian length, then a 1-byte control code or an APDU)
to 127.0.0.1:35963 and behaves like a T=0 contact card: SELECT by AID answers 61 XX (fetch
with GET RESPONSE), READ RECORD with a wrong Le answers 6C XX. Two applications:

* ``ssse`` -- the social security card's SSSE application, holding any Identity;
* ``idcard_ffb0`` -- a vendor PC/SC ID-card reader returning the GA 467 text block on FF B0.

    card = VirtualCard(sample("social_security")); card.insert(); ...; card.remove()
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import select
import socket
import struct
import threading
import time
from datetime import date

from card_reader.base import CardType, Identity
from card_reader.codes import nation_code, sex_code
from card_reader.textblock import encode_text_block

log = logging.getLogger(__name__)

VPCD_PORT = 35963
SSSE_AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
# T=0 only (no TD1), TB1/TC1 present, 8 historical bytes
ATR = bytes.fromhex("3B680000") + b"SSSE-CN3"
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4

SW_OK = b"\x90\x00"
SW_FILE_NOT_FOUND = b"\x6a\x82"
SW_RECORD_NOT_FOUND = b"\x6a\x83"
SW_NO_CURRENT_EF = b"\x69\x86"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"
SW_CLA_NOT_SUPPORTED = b"\x6e\x00"
SW_WRONG_LENGTH = b"\x67\x00"


def _bcd(digits: str) -> bytes:
    return bytes.fromhex(digits)


def _bcd_date(value: date | None) -> bytes | None:
    return None if value is None else _bcd(f"{value:%Y%m%d}")


def card_number_for(identity: Identity) -> str:
    """The 9-character social security card number: the card's own, or one derived from the ID."""
    if identity.card_number:
        return identity.card_number[:9].ljust(9)
    digest = hashlib.sha256(identity.id_number.encode()).hexdigest()
    return "C" + str(int(digest, 16))[:8]


def ssse_records(identity: Identity) -> dict[tuple[int, int], bytes]:
    """(EF, record) -> record value, the way the SSSE application stores `identity`."""
    records: dict[tuple[int, int], bytes] = {
        (5, 0x07): card_number_for(identity).encode("ascii", "replace"),
        (6, 0x08): identity.id_number.encode("ascii", "replace")[:18],
        (6, 0x09): (identity.name or "").encode("gbk", "replace")[:30].ljust(30, b"\x00"),
        (6, 0x0A): sex_code(identity.sex).encode(),
        (6, 0x0C): _bcd(identity.id_number[:6]) if identity.id_number[:6].isdigit() else b"\0" * 3,
    }
    issued = _bcd_date(identity.valid_from)
    if issued:
        records[(5, 0x05)] = issued
    until = _bcd_date(identity.valid_until)
    if until:
        records[(5, 0x06)] = until
    code = nation_code(identity.nation)
    if code:
        records[(6, 0x0B)] = _bcd(code)
    birth = _bcd_date(identity.birth_date)
    if birth:
        records[(6, 0x0D)] = birth
    return records


class VirtualCard:
    """One virtual card in vpcd's slot: insert() connects, remove() disconnects."""

    def __init__(
        self,
        identity: Identity,
        *,
        application: str = "ssse",
        host: str = "127.0.0.1",
        port: int = VPCD_PORT,
    ) -> None:
        if application not in ("ssse", "idcard_ffb0"):
            raise ValueError(f"unknown application {application!r}")
        self.application = application
        self.host = host
        self.port = port
        self.apdus: list[bytes] = []  # every command APDU received, for tests
        self.fail_apdu: dict[bytes, bytes] = {}  # APDU prefix -> forced status word
        self._identity = identity
        self._records = ssse_records(identity)
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._reset_state()

    @property
    def identity(self) -> Identity:
        """Who the card belongs to."""
        return self._identity

    def set_identity(self, identity: Identity) -> None:
        """Rewrite the card (takes effect for the next APDU; remove/insert to be realistic)."""
        with self._lock:
            self._identity = identity
            self._records = ssse_records(identity)

    @property
    def connected(self) -> bool:
        """True while the card sits in vpcd's slot."""
        return self._connected.is_set()

    def insert(self, timeout: float = 10.0) -> None:
        """Connect to vpcd (retrying until `timeout` while pcscd starts) and serve APDUs."""
        self.remove()
        end = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() >= end:
                    raise ConnectionError(
                        f"vpcd not listening on {self.host}:{self.port}"
                    ) from None
                time.sleep(0.05)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(None)
        self._sock = sock
        self._stop.clear()
        self._connected.set()
        self._reset_state()
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True, name="vcard")
        self._thread.start()

    def remove(self) -> None:
        """Take the card out: close the socket (pcscd notices within ~0.4 s)."""
        self._stop.set()
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(2)
        self._connected.clear()

    stop = remove

    # -- vpcd wire ------------------------------------------------------------------
    def _serve(self, sock: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([sock], [], [], 0.1)
                if not ready:
                    continue
                message = self._recv_message(sock)
                if message is None:
                    break
                reply = self._handle(message)
                if reply is not None:
                    sock.sendall(struct.pack(">H", len(reply)) + reply)
        except (OSError, ValueError) as exc:
            log.debug("virtual card connection ended: %s", exc)
        finally:
            self._connected.clear()

    def _recv_exact(self, sock: socket.socket, n: int) -> bytes | None:
        buf = bytearray()
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            # without QUICKACK the kernel delays ACKs and every APDU costs ~48 ms
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    def _recv_message(self, sock: socket.socket) -> bytes | None:
        header = self._recv_exact(sock, 2)
        if header is None:
            return None
        return self._recv_exact(sock, struct.unpack(">H", header)[0])

    def _handle(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            if message[0] == CTRL_ATR:
                return ATR
            if message[0] in (CTRL_OFF, CTRL_ON, CTRL_RESET):
                self._reset_state()
            return None
        self.apdus.append(message)
        with self._lock:
            return self._apdu(message)

    # -- the card's behaviour ---------------------------------------------------------------
    def _reset_state(self) -> None:
        self._app_selected = False
        self._current_ef: int | None = None
        self._pending = b""  # waiting for GET RESPONSE

    def _apdu(self, apdu: bytes) -> bytes:
        for prefix, sw in self.fail_apdu.items():
            if apdu.startswith(prefix):
                return sw
        if len(apdu) < 4:
            return SW_WRONG_LENGTH
        cla, ins, p1, p2 = apdu[:4]
        body = apdu[4:]
        if cla == 0xFF and ins == 0xB0 and self.application == "idcard_ffb0":
            return self._answer(encode_text_block(self._identity), body[:1])
        if cla != 0x00:
            return SW_CLA_NOT_SUPPORTED
        if ins == 0xC0:
            return self._get_response(body[:1])
        self._pending = b""
        if self.application != "ssse":
            return SW_INS_NOT_SUPPORTED
        if ins == 0xA4:
            return self._select(p1, body)
        if ins == 0xB2:
            return self._read_record(p1, p2, body[:1])
        return SW_INS_NOT_SUPPORTED

    def _answer(self, data: bytes, le: bytes) -> bytes:
        """Case 2 answer: 6C XX when Le is wrong, like a T=0 card."""
        wanted = le[0] if le else 0
        wanted = wanted or 256
        if wanted != len(data):
            return bytes([0x6C, len(data) & 0xFF])
        return data + SW_OK

    def _get_response(self, le: bytes) -> bytes:
        if not self._pending:
            return b"\x6f\x00"
        data = self._pending
        wanted = (le[0] if le else 0) or 256
        if wanted != len(data):
            return bytes([0x6C, len(data) & 0xFF])
        self._pending = b""
        return data + SW_OK

    def _select(self, p1: int, body: bytes) -> bytes:
        if not body or len(body) < 1 + body[0]:
            return SW_WRONG_LENGTH
        name = body[1 : 1 + body[0]]
        if p1 == 0x04:
            if name != SSSE_AID:
                return SW_FILE_NOT_FOUND
            self._app_selected = True
            self._current_ef = None
            fci = b"\x6f" + bytes([len(SSSE_AID) + 2, 0x84, len(SSSE_AID)]) + SSSE_AID
            self._pending = fci
            return bytes([0x61, len(fci)])
        if p1 == 0x02 and self._app_selected and name in (b"\xef\x05", b"\xef\x06"):
            self._current_ef = name[1]
            return SW_OK
        return SW_FILE_NOT_FOUND

    def _read_record(self, record: int, p2: int, le: bytes) -> bytes:
        if not self._app_selected:
            return SW_NO_CURRENT_EF
        if p2 & 0x07 != 0x04 and p2 != 0x00:
            return b"\x6a\x86"  # incorrect P1 P2
        sfi = p2 >> 3
        ef = sfi or self._current_ef
        if ef is None:
            return SW_NO_CURRENT_EF
        if ef not in (5, 6):
            return SW_FILE_NOT_FOUND
        value = self._records.get((ef, record))
        if value is None:
            return SW_RECORD_NOT_FOUND
        return self._answer(bytes([record, len(value)]) + value, le)


def social_security_identity(identity: Identity) -> Identity:
    """What reading `identity` back from a social security card yields (the fields it keeps)."""
    return Identity(
        card_type=CardType.SOCIAL_SECURITY,
        id_number=identity.id_number,
        name=identity.name,
        sex=identity.sex,
        nation=identity.nation if nation_code(identity.nation) else None,
        birth_date=identity.birth_date,
        valid_from=identity.valid_from,
        valid_until=identity.valid_until,
        card_number=card_number_for(identity).strip(),
    )
