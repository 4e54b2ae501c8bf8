"""Every staff command through `kiosk.cli.main`: what it prints, its exit code, one line on a
refusal (never a traceback), and the audit it leaves. Real register, argon2 and file printer."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from kiosk.app import Core
from kiosk.cli import main
from kiosk.commands.staff import read_pin
from kiosk.config import Config
from kiosk.db.audit import AuditChainRepository
from kiosk.db.repositories import AuditRepository
from kiosk.staff.errors import StaffInputError

from .conftest import OTHER_ID, PIN, STAFF_ID, issue

pytestmark = pytest.mark.slow  # each test builds the whole kiosk two or three times (~2 s)


class Cli:
    """Runs `kiosk ...` in-process on the test's configuration, with what stdin should hold."""

    def __init__(
        self, config: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.monkeypatch, self.capsys = monkeypatch, capsys
        monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(config.data_dir))
        monkeypatch.setenv("KIOSK_DATABASE_URL", config.database.url)
        monkeypatch.setenv("KIOSK_UI_VOICE", "false")
        monkeypatch.delenv("KIOSK_CONFIG", raising=False)

    def __call__(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        self.capsys.readouterr()
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv))
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(config: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(config, monkeypatch, capsys)


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def add_wang(cli: Cli) -> None:
    code, out, _ = cli(
        "staff", "add", "王丽", "--id-number", STAFF_ID, "--pin-stdin", stdin=f"{PIN}\n"
    )
    assert code == 0 and "610202********0277" in out and STAFF_ID not in out


def events(core: Core, kind: str) -> list[dict[str, str]]:
    with core.sessions() as session:
        return [
            dict(e.detail, actor=e.actor)
            for e in AuditChainRepository(session).events()
            if e.kind == kind
        ]


# --- accounts --------------------------------------------------------------------------------
def test_staff_add_list_disable_enable_reset_pin(cli: Cli) -> None:
    """GIVEN no accounts WHEN staff are added, listed, disabled and given a new PIN THEN each
    says so in one line; the list masks the ID number; no PIN is ever printed."""
    add_wang(cli)
    code, _, err = cli(
        "staff", "add", "王丽", "--id-number", OTHER_ID, "--pin-stdin", stdin="204871\n"
    )
    assert code == 1 and "已存在" in one_line(err)
    code, _, err = cli(
        "staff", "add", "李强", "--id-number", OTHER_ID, "--pin-stdin", stdin="123456\n"
    )
    assert code == 1 and "连续" in one_line(err) and "123456" not in err
    code, out, _ = cli(
        "staff",
        "add",
        "李强",
        "--id-number",
        OTHER_ID,
        "--role",
        "admin",
        "--pin-stdin",
        stdin="204871\n",
    )
    assert code == 0
    code, out, _ = cli("staff", "list", "--json")
    listed = {r["name"]: r for r in json.loads(out)}
    assert listed["王丽"]["id_number"] == "610202********0277" and listed["李强"]["role"] == "admin"
    assert STAFF_ID not in out and PIN not in out
    assert cli("staff", "disable", "李强")[0] == 0
    code, out, _ = cli("staff", "list")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert lines["李强"].endswith("disabled") and lines["王丽"].endswith("enabled")
    assert cli("staff", "enable", "李强")[0] == 0
    code, out, _ = cli("staff", "reset-pin", "王丽", "--pin-stdin", stdin="581730\n")
    assert code == 0 and "581730" not in out
    code, _, err = cli("staff", "disable", "nobody")
    assert code == 1 and "没有这个工作人员" in one_line(err)


def test_a_pin_is_asked_twice_on_a_terminal_and_never_read_from_a_pipe_unasked(cli: Cli) -> None:
    """GIVEN no --pin-stdin WHEN stdin is not a terminal THEN one line asks for --pin-stdin; on a
    terminal the PIN is asked twice (without echo) and two different answers are refused."""
    code, _, err = cli("staff", "add", "王丽", "--id-number", STAFF_ID, stdin=f"{PIN}\n")
    assert code == 1 and "--pin-stdin" in one_line(err)

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter([PIN, PIN])
    assert (
        read_pin(from_stdin=False, confirm=True, stdin=Tty(), ask=lambda _p: next(answers)) == PIN
    )
    differ = iter([PIN, "204871"])
    with pytest.raises(StaffInputError):
        read_pin(from_stdin=False, confirm=True, stdin=Tty(), ask=lambda _p: next(differ))


def test_a_kiosk_toml_with_staff_pin_stops_naming_kiosk_staff_add(cli: Cli, tmp_path: Path) -> None:
    """GIVEN a kiosk.toml that still has [staff] pin WHEN any command starts THEN exit 2 with one
    line that names `kiosk staff add`."""
    old = tmp_path / "kiosk.toml"
    old.write_text('[staff]\npin = "246810"\n', encoding="utf-8")
    code, _, err = cli("--config", str(old), "staff", "list")
    assert code == 2 and "staff.pin" in one_line(err) and "kiosk staff add" in err


# --- reprint, void, issuances -------------------------------------------------------------------
def test_kiosk_reprint_prints_bu_da_1_and_is_audited_with_the_staff_actor(
    cli: Cli, core: Core, tmp_path: Path
) -> None:
    """GIVEN a print-failed certificate and an account WHEN `kiosk reprint SERIAL --reason 卡纸
    --staff 王丽` with the right PIN THEN exit 0, 补打 1 printed on --printer, audited as
    staff:王丽 with the reason; the wrong PIN is refused in one line, and counted."""
    add_wang(cli)
    issued = issue(core)
    out_dir = tmp_path / "reprints"
    base = [
        "reprint",
        issued.serial,
        "--reason",
        "卡纸",
        "--staff",
        "王丽",
        "--pin-stdin",
        "--printer",
        out_dir.as_uri(),
    ]
    code, _, err = cli(*base, stdin="000001\n")
    assert code == 1 and "密码错误，还可再试4次" in one_line(err)
    code, out, _ = cli(*base, stdin=f"{PIN}\n")
    assert code == 0 and "补打 1" in out and issued.serial in out
    assert len(list(out_dir.iterdir())) == 1
    assert events(core, "reprint")[-1] == {
        "reason": "卡纸",
        "note": "",
        "printer": out_dir.as_uri(),
        "n": "1",
        "actor": "staff:王丽",
    }
    assert [e["result"] for e in events(core, "staff_login_failed")] == ["wrong_pin"]
    assert events(core, "staff_login_ok")[-1]["via"] == "cli"


def test_wrong_pins_on_the_cli_lock_the_account(cli: Cli, core: Core) -> None:
    """GIVEN an account WHEN five wrong PINs through `kiosk void` THEN the fifth says locked, and
    the right PIN is refused afterwards: the CLI counts toward the lockout like the PIN pad."""
    add_wang(cli)
    issued = issue(core)
    base = ["void", issued.serial, "--reason", "信息有误", "--staff", "王丽", "--pin-stdin"]
    lines = [one_line(cli(*base, stdin="000001\n")[2]) for _ in range(5)]
    assert "还可再试1次" in lines[3] and "已锁定" in lines[4]
    code, _, err = cli(*base, stdin=f"{PIN}\n")
    assert code == 1 and "已锁定" in one_line(err)
    assert events(core, "staff_login_locked")[0]["scope"] == "account"


def test_void_then_kiosk_verify_answers_voided(cli: Cli, core: Core) -> None:
    """GIVEN a signed certificate WHEN `kiosk void` with a reason THEN `kiosk verify --payload`
    answers 已作废 / VOIDED (exit 1); before, VALID (exit 0); a second void and a reprint are
    refused in one line."""
    add_wang(cli)
    issued = issue(core)
    payload = issued.document.qr_payload
    assert payload is not None
    assert cli("verify", "--payload", payload)[0] == 0
    code, out, _ = cli(
        "void",
        issued.serial,
        "--reason",
        "重复打印",
        "--staff",
        "王丽",
        "--pin-stdin",
        stdin=f"{PIN}\n",
    )
    assert code == 0 and "重复打印" in out
    code, out, _ = cli("verify", "--payload", payload)
    assert (
        code == 1 and out.startswith("INVALID") and "已作废 / VOIDED" in out and "重复打印" in out
    )
    code, _, err = cli(
        "void",
        issued.serial,
        "--reason",
        "重复打印",
        "--staff",
        "王丽",
        "--pin-stdin",
        stdin=f"{PIN}\n",
    )
    assert code == 1 and "已作废" in one_line(err)
    code, _, err = cli(
        "reprint",
        issued.serial,
        "--reason",
        "居民遗失",
        "--staff",
        "王丽",
        "--pin-stdin",
        stdin=f"{PIN}\n",
    )
    assert code == 1 and "已作废" in one_line(err)
    assert events(core, "void")[-1]["actor"] == "staff:王丽"


def test_refusals_are_one_line(cli: Cli, core: Core) -> None:
    """GIVEN an account WHEN an unknown serial, an unknown reason, 其他 without a note, an
    unknown staff name THEN exit 1 with one line each."""
    add_wang(cli)
    issued = issue(core)
    cases = [
        (
            [
                "void",
                "610202001-20990101-00009",
                "--reason",
                "信息有误",
                "--staff",
                "王丽",
                "--pin-stdin",
            ],
            "没有这个编号",
        ),
        (
            ["void", issued.serial, "--reason", "不想要", "--staff", "王丽", "--pin-stdin"],
            "原因应为",
        ),
        (
            ["reprint", issued.serial, "--reason", "其他", "--staff", "王丽", "--pin-stdin"],
            "请填写说明",
        ),
        (
            [
                "void",
                issued.serial,
                "--reason",
                "other",
                "--note",
                "x",
                "--staff",
                "谁",
                "--pin-stdin",
            ],
            "没有这个工作人员",
        ),
    ]
    for argv, words in cases:
        code, _, err = cli(*argv, stdin=f"{PIN}\n")
        assert code == 1 and words in one_line(err), argv


def test_kiosk_issuances_lists_by_status_with_the_resident_masked(cli: Cli, core: Core) -> None:
    """GIVEN two issuances, one voided WHEN `kiosk issuances --status ...` THEN each status shows
    its own; JSON rows carry status, copies and the masked number, never the full one."""
    add_wang(cli)
    kept, voided = issue(core), issue(core)
    cli(
        "void",
        voided.serial,
        "--reason",
        "居民要求",
        "--staff",
        "王丽",
        "--pin-stdin",
        stdin=f"{PIN}\n",
    )
    code, out, _ = cli("issuances", "--status", "voided", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["serial"] for r in rows] == [voided.serial]
    assert (
        rows[0]["status_zh"] == "已作废"
        and rows[0]["copies"] == 1
        and "*" in rows[0]["resident_id_number"]
    )
    code, out, _ = cli("issuances", "--status", "unfinished")
    assert kept.serial in out and voided.serial not in out and "未完成" in out
    code, out, _ = cli("issuances", "--since", "2099-01-01")
    assert "没有符合条件" in out


# --- audit, diagnose, stats ------------------------------------------------------------------
def test_kiosk_audit_show_masks_id_numbers(cli: Cli, core: Core) -> None:
    """GIVEN events, one whose detail holds a full ID number WHEN `kiosk audit show` THEN every
    number is masked; --kind filters; the chain verifies (exit 0)."""
    issue(core)
    with core.sessions.begin() as session:
        AuditRepository(session).record(
            terminal_id=core.config.terminal.id, actor="system", kind="note", subject="x",
            now=core.issuer.clock(), detail={"said": f"card {STAFF_ID} seen"},
        )  # fmt: skip
    code, out, _ = cli("audit", "show")
    assert code == 0 and STAFF_ID not in out and "610202********0277" in out and " issued " in out
    code, out, _ = cli("audit", "show", "--kind", "issued", "--json")
    assert [e["kind"] for e in json.loads(out)] == ["issued"]
    assert cli("audit", "verify")[0] == 0


def test_kiosk_diagnose_json_reports_every_part(cli: Cli, core: Core) -> None:
    """GIVEN a kiosk on file printers WHEN `kiosk diagnose --json` THEN reader, printers,
    database, catalogue, key, disk, version, errors and calls are there, the exit code says
    whether it is healthy; without the key it is not (exit 1) and says why."""
    code, out, _ = cli("diagnose", "--json")
    report = json.loads(out)
    assert code == (0 if report["healthy"] else 1)
    assert report["reader"]["state"] == "ready" and report["reader"]["driver"] == "SimulatedReader"
    assert [p["role"] for p in report["printers"]] == ["a4", "slip"]
    assert report["database"]["revision"] == report["database"]["expected_revision"]
    assert report["catalog"]["items"] == len(core.catalog.items)
    # the CLI asks for a district-certified key: this test's demo key is reported, not used
    assert report["key_fingerprint"] == core.signing_key.fingerprint or report["key_error"]
    assert report["free_disk_bytes"] > 0 and report["version"]
    for path in core.config.key_dir.iterdir():
        if path.is_file():
            path.unlink()
    code, out, _ = cli("diagnose", "--json", "--no-reader")
    assert code == 1 and json.loads(out)["key_error"]


def test_kiosk_stats_csv(cli: Cli, core: Core) -> None:
    """GIVEN two issuances today WHEN `kiosk stats --since today --csv` THEN the CSV counts them
    under the item and its category."""
    issue(core), issue(core)
    today = core.issuer.clock().date().isoformat()
    code, out, _ = cli("stats", "--since", today, "--csv")
    rows = [line.split(",") for line in out.splitlines()]
    assert code == 0 and rows[0] == ["section", "key", "name", "count", "satisfied", "rate"]
    assert ["issued", "all", "", "2", "", ""] in rows
    assert any(r[0] == "item" and r[1] == "residence_certificate" and r[3] == "2" for r in rows)
    code, _, err = cli("stats", "--since", today, "--until", "2000-01-01")
    assert code == 1 and "结束日期早于开始日期" in one_line(err)
