"""Privacy at rest: the data dir holds every full ID number and phone, so whatever the CLI
writes there is the owner's alone (0700 folders, 0600 files), and an existing install left
readable by others is tightened at start with one warning per path."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.datadir import ensure_private_dir, tighten

# Public halves of signing keys are meant to be shared (forms.keys writes them 0644).
PUBLIC_BY_DESIGN = ("signing_key.pub.pem",)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir that does not exist yet, named by KIOSK_PATHS_DATA_DIR."""
    data = tmp_path / "data"
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(data))
    monkeypatch.setenv("KIOSK_UI_VOICE", "false")
    for name in ("KIOSK_CONFIG", "KIOSK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return data


def _too_open(root: Path, allowed: tuple[str, ...] = ()) -> list[str]:
    """Every path under root (root included) that group or others may use."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        expected = 0o700 if path.is_dir() else 0o600
        if mode != expected and path.name not in allowed:
            found.append(f"{oct(mode)} {path.relative_to(root.parent)}")
    return found


def test_register_csv_and_lock_files_are_owner_only(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN no data dir WHEN db upgrade, demo-csv and residents import run THEN every folder
    under the data dir is 0700 and every file 0600 (the process umask here is 022)."""
    csv = data_dir / "residents.csv"
    assert main(["db", "upgrade"]) == 0
    assert main(["residents", "demo-csv", str(csv)]) == 0
    assert main(["residents", "import", str(csv)]) == 0
    assert "inserted 600" in capsys.readouterr().out
    assert (data_dir / "kiosk.sqlite3").exists()
    assert _too_open(data_dir) == []


def test_printed_documents_and_logs_are_owner_only(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a key and the demo register WHEN a certificate is printed to the file printer and a
    bug writes the log THEN the PDF, the log and their folders are owner-only too."""
    import kiosk.residents_import

    csv = tmp_path / "residents.csv"
    assert main(["residents", "demo-csv", str(csv)]) == 0
    assert main(["residents", "import", str(csv)]) == 0
    assert main(["keys", "init"]) == 0
    assert (
        main(
            [
                "render",
                "residence_certificate",
                "--id-number",
                "610202194303080024",
                "--input",
                "purpose=school",
            ]
        )
        == 0
    )

    def broken(path: Path, people: object) -> None:
        raise ZeroDivisionError

    monkeypatch.setattr(kiosk.residents_import, "write_csv", broken)
    assert main(["residents", "demo-csv", str(tmp_path / "again.csv")]) == 1
    assert list((data_dir / "printed").glob("*.pdf"))
    assert (data_dir / "logs" / "kiosk.log").exists()
    assert _too_open(data_dir, allowed=PUBLIC_BY_DESIGN) == []


def test_an_existing_open_install_is_tightened_once(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN a data dir, register and log left 0755/0644 by an older kiosk WHEN any command
    loads the configuration THEN they become 0700/0600 with one warning naming each path, and
    the next start has nothing to say."""
    register = data_dir / "kiosk.sqlite3"
    log = data_dir / "logs" / "kiosk.log"
    log.parent.mkdir(parents=True)
    for path in (data_dir, log.parent):
        path.chmod(0o755)
    for path in (register, log):
        path.write_bytes(b"")  # an empty file is an empty SQLite database
        path.chmod(0o644)
    assert main(["db", "upgrade"]) == 0
    warnings = [r.getMessage() for r in caplog.records if r.name == "kiosk.datadir"]
    for path in (data_dir, register, log.parent, log):
        assert sum(m.startswith(f"{path} was readable by other users") for m in warnings) == 1
    assert _too_open(data_dir) == []
    caplog.clear()
    assert main(["db", "current"]) == 0
    assert [r for r in caplog.records if r.name == "kiosk.datadir"] == []


def test_ensure_private_dir_creates_0700_and_leaves_shared_folders_alone(tmp_path: Path) -> None:
    """GIVEN a missing folder THEN it is made 0700; GIVEN a sticky shared folder (like /tmp)
    THEN its mode is not changed."""
    made = ensure_private_dir(tmp_path / "a" / "b")
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    assert tighten(shared) is False
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
