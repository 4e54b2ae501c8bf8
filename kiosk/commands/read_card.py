"""`kiosk read-card`: wait for a card on a reader and print who it belongs to."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date

from card_reader.base import CardReaderError, CardType, Identity, ReaderConfigError
from card_reader.codes import nation_label

log = logging.getLogger(__name__)

CARD_TYPE_LABELS = {
    CardType.RESIDENT: "居民身份证 Resident ID card",
    CardType.HK_MO_TW_PERMIT: "港澳台居民居住证 HK/Macau/Taiwan residence permit",
    CardType.FOREIGN_PERMANENT: "外国人永久居留身份证 Foreign permanent resident ID card",
    CardType.SOCIAL_SECURITY: "社会保障卡 Social security card",
}
SEX_LABELS = {"male": "男 male", "female": "女 female", "unknown": "未知 unknown"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the read-card command."""
    p = subparsers.add_parser(
        "read-card", help="读取证件 / wait for a card and print the holder's particulars"
    )
    p.add_argument(
        "--reader", metavar="URI", help="sim://, sam:///dev/ttyUSB0, pcsc:// (default: config)"
    )
    p.add_argument("--json", action="store_true", help="print JSON with fixed keys")
    p.add_argument("--show-full", action="store_true", help="print the ID number unmasked")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="default 30")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    uri = args.reader
    if not uri:
        from kiosk.cli import config_from_args

        uri = config_from_args(args).reader.uri
    try:
        identity = read_identity(uri, args.timeout)
    except CardReaderError as exc:
        print(failure_line(exc), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(identity.to_json(show_full=args.show_full), ensure_ascii=False, indent=2))
    else:
        print(format_identity(identity, show_full=args.show_full))
    return 0


def read_identity(uri: str, timeout: float, today: date | None = None) -> Identity:
    """Open the reader, wait up to `timeout` for a card, check it, close the reader."""
    from card_reader.checks import check_identity
    from card_reader.registry import open_reader  # drivers load only when a card is read

    try:
        reader = open_reader(uri)
    except ValueError as exc:  # urlsplit: 'sam://[::1' is not a URI at all
        raise ReaderConfigError(f"{uri!r}: not a valid reader URI ({exc})") from exc
    try:
        reader.open()
        identity = reader.wait_for_card(timeout)
        return check_identity(identity, today or date.today())
    except CardReaderError:
        raise
    except Exception as exc:  # a driver bug must still end in one clear line
        log.debug("reading a card failed", exc_info=True)
        raise CardReaderError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        try:
            reader.close()
        except CardReaderError as exc:
            log.debug("closing reader: %s", exc)


def failure_line(exc: CardReaderError) -> str:
    """One bilingual line for a failed read (details are masked by the drivers)."""
    zh, en = exc.resident_message
    detail = f" ({exc.detail})" if exc.detail and exc.detail != en else ""
    return f"读卡失败 / read failed: {zh} / {en}{detail}"


def format_identity(identity: Identity, *, show_full: bool = False) -> str:
    """Human-readable lines, ID number masked unless show_full."""
    number = identity.id_number if show_full else identity.masked_id
    rows: list[tuple[str, object]] = [
        ("证件类型 Card type", CARD_TYPE_LABELS[identity.card_type]),
        ("证件号码 ID number", number),
        ("姓名 Name", identity.name),
        ("英文姓名 English name", identity.english_name),
        ("性别 Sex", SEX_LABELS[identity.sex.value]),
        ("民族 Nation", nation_label(identity.nation) or None),
        ("出生日期 Birth date", identity.birth_date),
        ("住址 Address", identity.address),
        ("签发机关 Issuer", identity.issuer),
        ("有效期起 Valid from", identity.valid_from),
        ("有效期至 Valid until", identity.valid_until or "长期 long-term"),
        ("卡号 Card number", identity.card_number),
        ("通行证号码 Pass number", identity.pass_number),
        ("签发次数 Issue count", identity.issue_count),
        ("国籍 Nationality", identity.nationality),
    ]
    return "\n".join(f"{label}: {value}" for label, value in rows if value not in (None, ""))
