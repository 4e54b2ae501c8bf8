"""`kiosk read-card` through the real drivers and emulators: JSON key for key, masking, and
exit 1 with one bilingual line for every failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date

import pytest

from card_reader.emulators.pcscd import PcscDaemon
from card_reader.emulators.sam_emulator import SamEmulator
from card_reader.emulators.samples import sample
from card_reader.emulators.vcard import VirtualCard
from kiosk.cli import main

JSON_KEYS = [
    "card_type",
    "id_number",
    "name",
    "english_name",
    "sex",
    "nation",
    "birth_date",
    "address",
    "issuer",
    "valid_from",
    "valid_until",
    "card_number",
    "pass_number",
    "nationality",
]


def read_card(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["read-card", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_resident_card_json_key_for_key(capsys, sam_emulator: SamEmulator) -> None:
    """GIVEN a resident card WHEN read-card --json THEN exactly the documented keys, number masked."""
    code, out, _ = read_card(capsys, "--reader", f"sam://{sam_emulator.port_path}", "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == JSON_KEYS
    card = sample("resident")
    assert data == {
        "card_type": "resident",
        "id_number": card.id_number[:6] + "********" + card.id_number[-4:],
        "name": "王秀英",
        "english_name": None,
        "sex": "female",
        "nation": "汉",
        "birth_date": "1985-03-14",
        "address": card.address,
        "issuer": "铜川市公安局王益分局",
        "valid_from": "2019-06-01",
        "valid_until": "2039-06-01",
        "card_number": None,
        "pass_number": None,
        "nationality": None,
    }


def test_permit_and_foreign_cards_json(capsys, sam_emulator: SamEmulator) -> None:
    uri = f"sam://{sam_emulator.port_path}"
    sam_emulator.insert("J")
    code, out, _ = read_card(capsys, "--reader", uri, "--json", "--show-full")
    data = json.loads(out)
    assert code == 0
    assert data["card_type"] == "hk_mo_tw_permit"
    assert data["id_number"] == sample("J").id_number
    assert (data["pass_number"], data["nation"]) == ("H12345678", None)
    sam_emulator.insert("I")
    code, out, _ = read_card(capsys, "--reader", uri, "--json", "--show-full")
    data = json.loads(out)
    assert (data["card_type"], data["name"], data["english_name"]) == (
        "foreign_permanent",
        "马克",
        "MARTIN, MARC ANDRE",
    )
    assert (data["id_number"], data["nationality"]) == ("CAN310088010101", "CAN")
    sam_emulator.insert(replace(sample("Y"), name=None))
    data = json.loads(read_card(capsys, "--reader", uri, "--json")[1])
    assert data["name"] is None
    assert data["english_name"].startswith("SCHMIDT")


def test_long_term_card_has_null_valid_until(capsys, sam_emulator: SamEmulator) -> None:
    sam_emulator.insert(replace(sample("resident"), valid_until=None))
    data = json.loads(read_card(capsys, "--reader", f"sam://{sam_emulator.port_path}", "--json")[1])
    assert data["valid_until"] is None


def test_text_output_masks_unless_show_full(capsys, sam_emulator: SamEmulator) -> None:
    uri = f"sam://{sam_emulator.port_path}"
    number = sample("resident").id_number
    code, out, _ = read_card(capsys, "--reader", uri)
    assert code == 0
    assert number not in out and f"{number[:6]}********{number[-4:]}" in out
    assert "姓名 Name: 王秀英" in out and "民族 Nation: 汉族" in out
    code, out, _ = read_card(capsys, "--reader", uri, "--show-full")
    assert number in out


@pytest.mark.pcsc
def test_social_security_card_over_pcsc(capsys, vcard: VirtualCard) -> None:
    vcard.insert()
    code, out, _ = read_card(capsys, "--reader", "pcsc://", "--json", "--timeout", "3")
    data = json.loads(out)
    assert code == 0
    assert list(data) == JSON_KEYS
    assert (data["card_type"], data["card_number"], data["nation"], data["sex"]) == (
        "social_security",
        "A61020219",
        "回",
        "male",
    )
    assert data["address"] is None


def one_failure_line(capsys, *args: str) -> str:
    code, out, err = read_card(capsys, *args)
    assert code == 1
    assert out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_no_card_in_time(capsys, sam_emulator: SamEmulator) -> None:
    sam_emulator.remove()
    line = one_failure_line(
        capsys, "--reader", f"sam://{sam_emulator.port_path}", "--timeout", "0.2"
    )
    assert "未检测到证件" in line and "No card found" in line


def test_expired_card(capsys, sam_emulator: SamEmulator) -> None:
    sam_emulator.insert(replace(sample("resident"), valid_until=date(2020, 1, 1)))
    line = one_failure_line(capsys, "--reader", f"sam://{sam_emulator.port_path}")
    assert "证件已过有效期" in line and "expired" in line


def test_invalid_check_digit_is_refused_and_never_printed(
    capsys, sam_emulator: SamEmulator
) -> None:
    good = sample("resident").id_number
    bad = good[:17] + ("0" if good[-1] != "0" else "1")
    sam_emulator.insert(replace(sample("resident"), id_number=bad))
    line = one_failure_line(capsys, "--reader", f"sam://{sam_emulator.port_path}")
    assert "证件号码校验未通过" in line
    assert bad not in line


def test_unreadable_card(capsys, sam_emulator: SamEmulator) -> None:
    from card_reader.ga467 import Command

    sam_emulator.force_status(Command.READ_TEXT_PHOTO, 0x41)
    line = one_failure_line(capsys, "--reader", f"sam://{sam_emulator.port_path}")
    assert "无法读取该证件" in line


def test_no_reader_and_unknown_scheme(capsys) -> None:
    line = one_failure_line(capsys, "--reader", "sam:///dev/ttyNOPE3")
    assert "读卡器未连接" in line
    line = one_failure_line(capsys, "--reader", "nfc://reader")
    assert "读卡器配置错误" in line


def test_silent_reader(capsys, sam_emulator: SamEmulator) -> None:
    sam_emulator.silent = True
    line = one_failure_line(capsys, "--reader", f"sam://{sam_emulator.port_path}?deadline=0.2")
    assert "读卡器无响应" in line


@pytest.mark.pcsc
def test_pcscd_not_running(capsys, pcscd: PcscDaemon) -> None:
    pcscd.stop()
    line = one_failure_line(capsys, "--reader", "pcsc://", "--timeout", "0.5")
    assert "读卡服务未启动" in line and "card service not running" in line.lower()


def test_cli_as_a_process(sam_emulator: SamEmulator) -> None:
    """GIVEN the installed entry point WHEN run as a process THEN JSON on stdout, exit 0."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "read-card",
            "--reader",
            f"sam://{sam_emulator.port_path}",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert proc.returncode == 0, proc.stderr
    assert list(json.loads(proc.stdout)) == JSON_KEYS
