"""Reading catalog.yaml's bytes, bounded: no YAML here (a cached start never parses it)."""

from __future__ import annotations

from pathlib import Path

MAX_FILE_BYTES = 2 * 1024 * 1024  # the shipped file is ~180 kB


def read_source(path: Path) -> bytes | str:
    """The file's bytes, or the one problem that stops reading it (missing, unreadable, too big)."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return f"{path}: file not found / 服务目录文件不存在"
    except OSError as exc:
        return f"{path}: cannot be read ({exc})"
    if len(data) > MAX_FILE_BYTES:
        return (
            f"{path}: file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB "
            f"(MAX_FILE_BYTES = {MAX_FILE_BYTES}); a catalogue is a few hundred kB"
        )
    return data
