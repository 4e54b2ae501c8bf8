"""The PC/SC driver against a real pcscd with the vpcd driver and the project's virtual card."""

from __future__ import annotations

import pytest

from card_reader.base import (
    CardType,
    NoCardError,
    NoReaderError,
    ReaderServiceError,
    ReaderState,
    UnreadableCardError,
    UnsupportedCardError,
)
from card_reader.emulators.pcscd import PcscDaemon
from card_reader.emulators.samples import sample
from card_reader.emulators.vcard import VirtualCard, social_security_identity
from card_reader.pcsc import PcscReader, list_readers

pytestmark = pytest.mark.pcsc


@pytest.fixture
def reader(pcscd: PcscDaemon):
    reader = PcscReader("pcsc://Virtual PCD 00 00")
    reader.open()
    yield reader
    reader.close()


def test_readers_are_enumerated(pcscd: PcscDaemon) -> None:
    assert {"Virtual PCD 00 00", "Virtual PCD 00 01"} <= set(list_readers())
    first = PcscReader("pcsc://")
    first.open()
    assert first.reader_name == "Virtual PCD 00 00"
    assert first.status() is ReaderState.READY
    first.close()


def test_insert_read_remove_reinsert(reader: PcscReader, vcard: VirtualCard) -> None:
    """GIVEN an empty reader WHEN a card comes, goes and comes back THEN each step is seen."""
    with pytest.raises(NoCardError):
        reader.wait_for_card(0.2)
    vcard.insert()
    identity = reader.wait_for_card(3)
    assert identity == social_security_identity(sample("social_security"))
    assert identity.card_type is CardType.SOCIAL_SECURITY
    assert reader.card_present()
    vcard.remove()
    assert reader.wait_for_removal(3)  # pcscd's removal event, well before the timeout
    assert reader.status() is ReaderState.READY
    assert not reader.card_present()
    vcard.insert()
    assert reader.wait_for_card(3) == identity


def test_t0_get_response_and_wrong_le_went_over_the_wire(
    reader: PcscReader, vcard: VirtualCard
) -> None:
    vcard.insert()
    reader.wait_for_card(3)
    instructions = [apdu[:2].hex().upper() for apdu in vcard.apdus]
    assert "00C0" in instructions  # 61 XX after SELECT SSSE was followed by GET RESPONSE
    assert bytes.fromhex("00B2080014") in vcard.apdus  # 6C 14 repeated with Le = 0x14


def test_two_cards_in_a_row(reader: PcscReader, vcard: VirtualCard) -> None:
    vcard.insert()
    first = reader.wait_for_card(3)
    vcard.remove()
    assert reader.wait_for_removal(3)
    second = VirtualCard(sample("resident"))
    second.insert()
    try:
        identity = reader.wait_for_card(3)
        assert identity.id_number == sample("resident").id_number != first.id_number
        assert identity.name == "王秀英"
    finally:
        second.remove()


def test_second_slot_by_name(pcscd: PcscDaemon) -> None:
    card = VirtualCard(sample("social_security"), port=35964)
    reader = PcscReader("pcsc://PCD%2000%2001")
    reader.open()
    try:
        assert reader.reader_name == "Virtual PCD 00 01"
        card.insert()
        assert reader.wait_for_card(3).card_number == "A61020219"
    finally:
        card.remove()
        reader.close()


def test_unknown_reader_name(pcscd: PcscDaemon) -> None:
    with pytest.raises(NoReaderError):
        PcscReader("pcsc://Feitian").open()


def test_foreign_card_and_broken_card(reader: PcscReader, vcard: VirtualCard) -> None:
    vcard.fail_apdu[bytes.fromhex("00A40400")] = b"\x6a\x82"
    vcard.insert()
    with pytest.raises(UnsupportedCardError):
        reader.wait_for_card(3)
    assert reader.status() is ReaderState.ERROR
    vcard.fail_apdu.clear()
    vcard.fail_apdu[bytes.fromhex("00B208")] = b"\x6f\x00"
    with pytest.raises(UnreadableCardError, match="6F00"):
        reader.wait_for_card(3)


def test_vendor_id_card_profile(pcscd: PcscDaemon) -> None:
    card = VirtualCard(sample("Y"), application="idcard_ffb0")
    reader = PcscReader("pcsc://Virtual PCD 00 00?profiles=ssse,idcard_ffb0")
    reader.open()
    try:
        card.insert()
        assert reader.wait_for_card(3) == sample("Y")
    finally:
        card.remove()
        reader.close()


def test_pcscd_stopped_and_restarted(
    reader: PcscReader, vcard: VirtualCard, pcscd: PcscDaemon
) -> None:
    """GIVEN a reading setup WHEN pcscd stops THEN 读卡服务未启动; after a restart reads work again."""
    vcard.insert()
    assert reader.wait_for_card(3)
    pcscd.stop()
    with pytest.raises(ReaderServiceError) as info:
        reader.wait_for_card(1)
    assert info.value.resident_message[0].startswith("读卡服务未启动")
    assert info.value.state is ReaderState.NO_SERVICE
    reader.close()
    with pytest.raises(ReaderServiceError):
        reader.open()
    pcscd.start()
    reader.open()
    vcard.insert()
    assert reader.wait_for_card(3).card_number == "A61020219"
