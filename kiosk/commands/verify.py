"""`kiosk verify FILE.pdf` / `kiosk verify --payload TEXT`: is this document genuine?

Checks the payload (a KV2 link or legacy KV1 text) against what this machine trusts: the
district bundle in the key directory (root keys, certificates, revocations) and legacy keys.
For a PDF it also compares the file's visible text with the digest the payload signs (an edited
PDF with an untouched QR code is refused). Then, when the issuance database is reachable,
whether the serial has been voided. The first word says it all, as on the verification page:

    VALID 有效       exit 0   genuine, in force, not voided
    PENDING 待审核   exit 1   genuine, but an unsealed paper staff have not approved yet
    EXPIRED 已过期   exit 1   genuine, past its stated validity
    INVALID 无效     exit 1   altered, unknown or revoked key, malformed, community mismatch,
                              visible text mismatch, or 已作废 / VOIDED
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forms.verify import VerifiedPayload
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
        return True, f"作废原因 reason: {record.void_reason}" if record.void_reason else ""
    return False, f"未作废 / not voided (status {record.status})"


def _source(args: argparse.Namespace) -> tuple[str, list[str] | None] | int:
    """(QR text, the PDF's page texts or None), or an exit code for a usage problem."""
    from forms.pagetext import page_texts
    from forms.verify import extract_payload

    if (args.file is None) == (args.payload is None):
        print(
            "请给出 PDF 文件或 --payload / give FILE.pdf or --payload TEXT, not both",
            file=sys.stderr,
        )
        return 2
    if args.file is None:
        return str(args.payload), None
    try:
        pdf = args.file.read_bytes()
    except OSError as exc:
        print(f"无法读取文件 / cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    payload = extract_payload(pdf)  # InvalidPayloadError (malformed) for a PDF without one
    return payload, page_texts(pdf)


def _verify(args: argparse.Namespace) -> int:
    from datetime import date

    from forms.certified import load_trust
    from forms.errors import FormsError, KeyFileError
    from forms.verify import InvalidPayloadError, verify_payload
    from kiosk.cli import config_from_args

    config = config_from_args(args)
    try:
        source = _source(args)
        if isinstance(source, int):
            return source
        text, pages = source
        trust = load_trust(config.key_dir)
        if not (trust.certificates or trust.direct):
            return _invalid(f"unknown key (no trusted keys in {config.key_dir}; 本机无信任公钥)")
        verified = verify_payload(text, trust)
        if pages is not None and verified.version == 2 and not verified.matches_text(pages):
            raise InvalidPayloadError(
                InvalidPayloadError.REASON_TEXT, "the PDF's text is not the text that was signed"
            )
    except InvalidPayloadError as exc:
        return _invalid(f"{exc.reason} ({exc.message_zh}; {exc.detail})")
    except KeyFileError as exc:
        print(f"{exc.message_zh} / {exc.detail}", file=sys.stderr)
        return 2
    except FormsError as exc:  # a broken trust bundle, an unreadable PDF
        print(f"{exc.message_zh} / {exc.detail}", file=sys.stderr)
        return 2
    voided, note = void_status(config, verified.serial)
    if voided:  # the signature is good, but the paper no longer counts
        print(f"INVALID 无效: 已作废 / VOIDED — serial {verified.serial} was voided")
        if note:
            print(f"  {note}")
        return 1
    today = date.today()
    if verified.pending:
        print("PENDING 待审核: 此件尚未经工作人员审核盖章 / not yet approved by staff")
    elif verified.expired(today):
        print(
            f"EXPIRED 已过期: 有效期至 {verified.valid_until} / valid until {verified.valid_until}"
        )
    else:
        print("VALID 有效")
    _particulars(verified, pages)
    print(f"  作废状态 void:      {_void_line(voided, note)}")
    return 0 if not verified.pending and not verified.expired(today) else 1


def _void_line(voided: bool | None, note: str) -> str:
    return f"无法核查 / could not be checked ({note})" if voided is None else note


def _particulars(v: VerifiedPayload, pages: list[str] | None) -> None:
    """What the clerk needs, and nothing more: the verification page shows the same."""
    print(f"  编号 serial:        {v.serial}")
    if v.version == 1:
        print(f"  事项 item:          {v.item_id}")
    else:
        print(f"  名称 document:      {v.document_name}")
    print(f"  身份证号 ID:        {v.masked_id}")
    print(f"  出具日期 issued:    {v.issue_date.isoformat()}")
    until = v.valid_until.isoformat() if v.valid_until else "未注明 / not stated"
    print(f"  有效期至 valid to:  {until}")
    if v.certificate is not None:
        cert = v.certificate
        demo = "（演示密钥 / demo key）" if cert.demo else ""
        print(f"  社区 community:     {cert.community} ({cert.community_code})")
        print(f"  密钥 key:           {v.key_fingerprint} 终端 {cert.terminal_id}{demo}")
    else:
        print(f"  密钥 key:           {v.key_fingerprint} (旧版密钥 / legacy key, no certificate)")
    if pages is not None:
        checked = "与签名一致 / matches what was signed" if v.version == 2 else "旧版未签 / KV1"
        print(f"  文件文字 text:      {checked}")
