"""Card-to-Identity timings for `kiosk bench`, through the real drivers and the emulators."""

from __future__ import annotations

from card_reader.emulators.pcscd import PcscDaemon, running_pid
from card_reader.emulators.sam_emulator import SamEmulator
from card_reader.emulators.samples import sample
from card_reader.emulators.vcard import VirtualCard
from card_reader.pcsc import PcscReader
from card_reader.sam import SamReader
from kiosk.bench import Measurement, time_ms
from kiosk.config import Config

BAUD = 115200
READ_FRAME_BYTES = 1295  # a successful 30 01 answer on the wire
WIRE_FLOOR_MS = READ_FRAME_BYTES * 10 / BAUD * 1000  # 8N1: 10 bits a byte


def card_to_identity_sam(config: Config) -> Measurement:
    """Card on the reader -> Identity over GA 467 (find, select, read) with 115200-baud pacing."""
    with SamEmulator("resident", baud=BAUD) as emulator:
        reader = SamReader(f"sam://{emulator.port_path}?baud={BAUD}")
        reader.open()
        try:
            median, p99 = time_ms(lambda: reader.wait_for_card(5.0), warmup=3, repeat=30)
        finally:
            reader.close()
    return Measurement(
        "card_to_identity_sam",
        median,
        "ms",
        p99=p99,
        baseline=WIRE_FLOOR_MS,
        note=f"baseline: wire time of the {READ_FRAME_BYTES}-byte read at {BAUD} baud; "
        f"overhead {median - WIRE_FLOOR_MS:.1f} ms (goal <= 50 ms)",
    )


def card_to_identity_pcsc(config: Config) -> Measurement:
    """pcscd reports the card -> Identity for the social security card (SSSE profile)."""
    daemon = PcscDaemon() if running_pid() is None else None
    if daemon is not None:
        daemon.start()
    card = VirtualCard(sample("social_security"))
    reader = PcscReader("pcsc://Virtual PCD 00 00")
    try:
        card.insert()
        reader.open()
        reader.wait_for_card(5.0)  # pcscd has seen the card from here on
        median, p99 = time_ms(lambda: reader.wait_for_card(5.0), warmup=3, repeat=50)
    finally:
        reader.close()
        card.remove()
        if daemon is not None:
            daemon.stop()
    return Measurement(
        "card_to_identity_pcsc",
        median,
        "ms",
        p99=p99,
        note="from pcscd's card-present state to Identity: connect, T=0 APDUs, disconnect "
        "(goal <= 30 ms)",
    )
