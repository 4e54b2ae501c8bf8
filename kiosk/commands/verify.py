"""`kiosk verify FILE.pdf` / `kiosk verify --payload TEXT`: is this document genuine?

Checks the Ed25519 signature against the trusted keys in the key directory, then, when the
issuance database is reachable, whether the serial has been voided. Prints VALID with the
particulars (exit 0) or INVALID with the reason (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import Config


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `verify`."""
    p = sub.add_parser("verify", help="check a document's signed QR payload (核验证明)")
    p.add_argument("file", nargs="?", type=Path, help="a PDF rendered by the kiosk")
    p.add_argument("--payload", metavar="TEXT", help="the text scanned from the QR code")
    p.set_defaults(handler=_verify)


def _invalid(why: str) -> int:
    print(f"INVALID 无效: {why}")
    return 1


def void_status(config: Config, serial: str) -> tuple[bool | None, str]:
    """(voided?, note). voided is None when the records could not be consulted."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.db.engine import make_engine, session_factory
    from kiosk.db.repositories import IssuanceRepository, IssuanceStatus

    url = config.database.url
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database != ":memory:" and not Path(database).expanduser().is_file():
                return None, "没有本地数据库 / no database here"
        engine = make_engine(url)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        return None, f"数据库不可用 / database unavailable: {exc.__class__.__name__}"
    try:
        if not inspect(engine).has_table("issuances"):
            return None, "数据库未初始化 / database has no tables"
        with session_factory(engine)() as session:
            record = IssuanceRepository(session).by_serial(serial)
    except SQLAlchemyError as exc:
        return None, f"数据库不可达 / database unreachable: {exc.__class__.__name__}"
    finally:
        engine.dispose()
    if record is None:
        return False, "本库无此编号（可能由其他终端出具）/ serial not in this database"
    if record.status == IssuanceStatus.VOIDED:
        reason = f": {record.void_reason}" if record.void_reason else ""
        return True, f"已作废 / voided{reason}"
    return False, f"未作废 / not voided (status {record.status})"


def _verify(args: argparse.Namespace) -> int:
    from forms.errors import KeyFileError
    from forms.keys import load_public_keys
    from forms.verify import InvalidPayloadError, extract_payload, verify_payload
    from kiosk.cli import config_from_args

    if (args.file is None) == (args.payload is None):
        print(
            "请给出 PDF 文件或 --payload / give FILE.pdf or --payload TEXT, not both",
            file=sys.stderr,
        )
        return 2
    config = config_from_args(args)
    try:
        if args.file is not None:
            try:
                pdf = args.file.read_bytes()
            except OSError as exc:
                print(f"无法读取文件 / cannot read {args.file}: {exc.strerror}", file=sys.stderr)
                return 2
            payload = extract_payload(pdf)
        else:
            payload = args.payload
        keys = load_public_keys(config.key_dir)
        if not keys:
            return _invalid(f"unknown key (no trusted keys in {config.key_dir}; 本机无信任公钥)")
        verified = verify_payload(payload, keys)
    except InvalidPayloadError as exc:
        return _invalid(f"{exc.reason} ({exc.message_zh}; {exc.detail})")
    except KeyFileError as exc:
        print(f"{exc.message_zh} / {exc.detail}", file=sys.stderr)
        return 2
    voided, note = void_status(config, verified.serial)
    if voided:
        return _invalid(f"voided serial {verified.serial} ({note})")
    print("VALID 有效")
    print(f"  编号 serial:        {verified.serial}")
    print(f"  事项 item:          {verified.item_id}")
    print(f"  身份证号 ID:        {verified.masked_id}")
    print(f"  出具日期 issued:    {verified.issue_date.isoformat()}")
    print(f"  密钥指纹 key:       {verified.key_fingerprint}")
    if voided is None:
        print(f"  作废状态 void:      无法核查 / could not be checked ({note})")
    else:
        print(f"  作废状态 void:      {note}")
    return 0
