"""`kiosk` never shows a traceback: a library error is one `中文 / detail` line (exit 1), a
configuration error one line (exit 2), and a bug one bilingual line naming the log that holds
the traceback (exit 1). Each case below printed a traceback before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.residents_import import COLUMNS

GOOD_ROW = (
    "610202194303080008,张秀兰,女,1943-03-08,汉,13800001234,王益区红旗街1号,红旗街社区,"
    "红旗街社区第01网格,1,2,301,WY01,是,1990-10-11,living_alone"
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir for the in-process CLI (KIOSK_* in the environment, as a kiosk has)."""
    data = tmp_path / "data"
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(data))
    monkeypatch.setenv("KIOSK_UI_VOICE", "false")
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.delenv("KIOSK_DATABASE_URL", raising=False)
    return data


def _kiosk(*args: str, data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    environ.update(KIOSK_PATHS_DATA_DIR=str(data), KIOSK_UI_VOICE="false", **env)
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environ,
    )


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "residents.csv"
    path.write_text("\n".join((",".join(COLUMNS), *rows)) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("url", ["nonsense", "mysql://x/y", "postgresql://[::1/kiosk"])
def test_bad_db_option_is_a_configuration_error(
    url: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN --db that is no supported database URL WHEN a command runs THEN --db is named, exit 2."""
    assert main(["--db", url, "db", "current"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("配置错误 / configuration error: --db: ")


def test_bad_reader_uri_in_the_environment_is_a_configuration_error(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN KIOSK_READER_URI='sam://[::1' WHEN read-card THEN reader.uri is named, exit 2."""
    monkeypatch.setenv("KIOSK_READER_URI", "sam://[::1")
    assert main(["read-card", "--timeout", "0.1"]) == 2
    assert "reader.uri" in _one_line(capsys.readouterr().err)


def test_bad_reader_option_is_one_reader_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN --reader 'sam://[::1' WHEN read-card THEN one 读卡失败 line, exit 1."""
    assert main(["read-card", "--reader", "sam://[::1", "--timeout", "0.1"]) == 1
    assert _one_line(capsys.readouterr().err).startswith("读卡失败 / read failed: ")


def test_csv_field_over_the_csv_limit_is_a_rejected_line(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a field of 140,000 characters WHEN imported THEN its line is rejected, exit 1."""
    path = _csv(tmp_path, GOOD_ROW, GOOD_ROW.replace("张秀兰", "张" * 140_000))
    assert main(["residents", "import", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.err.strip() == ""
    assert "rejected line 3: not readable as CSV" in captured.out
    assert "inserted 0" in captured.out


def test_full_width_digits_are_a_rejected_row(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN an ID number in full-width digits WHEN imported THEN that row is rejected, exit 1."""
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "610202194303080008")
    path = _csv(tmp_path, GOOD_ROW.replace("610202194303080008", wide))
    assert main(["residents", "import", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.err.strip() == ""
    assert "rejected line 2: id_number" in captured.out and "full-width" in captured.out


def _break_signing_key(key_dir: Path, how: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import x25519

    key_dir.parent.mkdir(mode=0o700)  # private, as the kiosk makes it: no tightening warning
    key_dir.mkdir(mode=0o700)
    private = key_dir / "signing_key.pem"
    if how == "empty":
        private.write_bytes(b"")
    elif how == "corrupted":
        private.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnot base64 at all\n")
    else:  # a valid PEM key of the wrong type
        private.write_bytes(
            x25519.X25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    private.chmod(0o600)


@pytest.mark.parametrize("how", ["empty", "corrupted", "wrong-type"])
def test_unusable_signing_key_is_one_key_line(
    how: str, tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN an empty, corrupted or non-Ed25519 signing key WHEN render THEN one line, exit 1."""
    _break_signing_key(data_dir / "keys", how)
    argv = ["render", "residence_certificate", "--id-number", "610202194303080008"]
    assert main([*argv, "--out", str(tmp_path / "x.pdf")]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("签名密钥") and "signing_key.pem" in line


def test_a_bug_is_one_line_and_a_traceback_in_the_log(
    tmp_path: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """GIVEN a command that fails with an unexpected exception WHEN run THEN one bilingual line
    names the type and the log file; the log holds the traceback, with ID numbers masked."""
    import kiosk.residents_import

    def broken(path: Path, people: object) -> None:
        raise ZeroDivisionError("while writing 610202194303080008")

    monkeypatch.setattr(kiosk.residents_import, "write_csv", broken)
    # demo-csv loads no configuration; the log still goes to the configured data dir
    assert main(["residents", "demo-csv", str(tmp_path / "demo.csv")]) == 1
    line = _one_line(capsys.readouterr().err)
    log = data_dir / "logs" / "kiosk.log"
    assert line == (f"内部错误，请联系工作人员 / internal error: ZeroDivisionError, see log {log}")
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "ZeroDivisionError" in text
    assert "610202********0008" in text and "610202194303080008" not in text


def test_a_bug_before_the_configuration_is_known_goes_to_debug_logging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN no usable configuration WHEN a bug strikes THEN still one line, no traceback."""
    import kiosk.residents_import

    def broken(path: Path, people: object) -> None:
        raise ZeroDivisionError

    monkeypatch.setattr(kiosk.residents_import, "write_csv", broken)
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", "relative/dir")
    assert main(["residents", "demo-csv", str(tmp_path / "demo.csv")]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("内部错误，请联系工作人员 / internal error: ZeroDivisionError, see log")


def test_subprocess_bad_db_and_bad_reader(tmp_path: Path) -> None:
    """GIVEN a real `kiosk` process WHEN --db nonsense / KIOSK_READER_URI='sam://[::1' THEN one
    line each on stderr, exit 2, no traceback."""
    proc = _kiosk("--db", "nonsense", "db", "upgrade", data=tmp_path / "data")
    assert proc.returncode == 2
    assert "--db" in _one_line(proc.stderr)
    proc = _kiosk("read-card", data=tmp_path / "data", KIOSK_READER_URI="sam://[::1")
    assert proc.returncode == 2
    assert "reader.uri" in _one_line(proc.stderr)


def test_subprocess_oversized_csv_field_and_full_width_id(tmp_path: Path) -> None:
    """GIVEN a real `kiosk` process WHEN importing a 140,000-character field or a full-width ID
    THEN the row is rejected on stdout, exit 1, nothing on stderr."""
    big = _csv(tmp_path, GOOD_ROW.replace("张秀兰", "张" * 140_000))
    proc = _kiosk("residents", "import", str(big), data=tmp_path / "data")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "not readable as CSV" in proc.stdout
    wide = "".join(chr(ord(c) + 0xFEE0) for c in "610202194303080008")
    path = _csv(tmp_path, GOOD_ROW.replace("610202194303080008", wide))
    proc = _kiosk("residents", "import", str(path), data=tmp_path / "data")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "full-width" in proc.stdout


def test_subprocess_empty_signing_key(tmp_path: Path) -> None:
    """GIVEN an empty signing key WHEN a real `kiosk render` THEN one key line, exit 1."""
    data = tmp_path / "data"
    _break_signing_key(data / "keys", "empty")
    proc = _kiosk(
        "render",
        "residence_certificate",
        "--id-number",
        "610202194303080008",
        "--out",
        str(tmp_path / "x.pdf"),
        data=data,
    )
    assert proc.returncode == 1
    assert _one_line(proc.stderr).startswith("签名密钥")
