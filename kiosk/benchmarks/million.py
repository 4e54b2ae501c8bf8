"""A million residents, fast and cached: deterministic rows (unique, valid ID numbers: birth
dates over a century times a sequence) loaded with COPY on PostgreSQL and executemany on SQLite,
into a database kept between runs (a SQLite file in the cache dir, a PostgreSQL database named
after the schema head and the generator's version). The benches also write CSV files from it."""

from __future__ import annotations

import csv
import itertools
import json
import logging
import random
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from civic.idnumber import check_char
from kiosk.imports import COLUMNS

log = logging.getLogger(__name__)

GENERATOR = "v1"  # bump when the rows change: cached databases are rebuilt
FIRST_BIRTH = date(1926, 1, 1)
DAYS = 36_500  # a century of birth dates; the sequence digits make each number unique
SURNAMES = "王张李刘杨赵陈孙马周吴郭高何郑罗梁宋谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
GIVEN = ("建国", "秀兰", "志强", "桂英", "国华", "玉梅", "海燕", "子涵", "浩然", "梓萱", "文博")
COMMUNITIES = ("红旗街社区", "七一路社区", "北关社区", "建设路社区", "新民社区", "桃园社区",
               "人民路社区", "三里洞社区", "西川社区", "青年路社区", "崔家沟社区", "五一路社区",
               "川口社区", "王家河社区", "东坡社区", "孟家塬社区", "李家沟社区", "东新街社区",
               "南市区社区", "北市区社区")  # fmt: skip
TAG_SETS = ((), (), (), ("pensioner",), ("living_alone", "pensioner"), ("disability",), ("veteran",),
            ("low_income",), ("student",), ("party_member",), ("chronic_disease", "pensioner"))  # fmt: skip
REGISTERED = datetime(2026, 1, 2, 9, 0)


def id_number(i: int) -> str:
    """The i-th resident's ID number: region 610202, a birth date, sequence i // DAYS."""
    birth = FIRST_BIRTH + timedelta(days=i % DAYS)
    first17 = f"610202{birth:%Y%m%d}{i // DAYS:03d}"
    return first17 + check_char(first17)


def rows(count: int) -> Iterator[tuple[object, ...]]:
    """`count` residents as tuples in COLUMNS order (+ updated_at), tags as a list."""
    for i in range(count):
        number = id_number(i)
        birth = FIRST_BIRTH + timedelta(days=i % DAYS)
        male = int(number[16]) % 2 == 1
        community = COMMUNITIES[i % len(COMMUNITIES)]
        building, unit, room = 1 + i % 24, 1 + i % 4, 101 + i % 600
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)]
        since = max(birth, date(1990, 1, 1) + timedelta(days=i % 9000))
        yield (
            number, name, "male" if male else "female", birth, "汉", f"138{i:08d}",
            f"陕西省铜川市王益区{community}{building}号楼{unit}单元{room}室", community,
            f"{community}第{1 + i % 14:02d}网格", str(building), str(unit), str(room),
            f"WY{i // 3:08d}", i % 7 != 0, since, list(TAG_SETS[i % len(TAG_SETS)]), REGISTERED,
        )  # fmt: skip


def sample_numbers(count: int, population: int, seed: int = 12) -> list[str]:
    """`count` ID numbers of the population, in a random (fixed) order."""
    rng = random.Random(seed)
    return [id_number(rng.randrange(population)) for _ in range(count)]


INSERT_COLUMNS = (*COLUMNS, "updated_at")


def sqlite_register(cache_dir: Path, count: int) -> str:
    """The URL of a SQLite file holding `count` residents at the schema head (built once)."""
    from kiosk.db.engine import make_engine
    from kiosk.db.migrate import head_revision, upgrade

    path = cache_dir / f"residents-{count}-{head_revision()}-{GENERATOR}.sqlite3"
    url = f"sqlite:///{path}"
    if path.exists() and _sqlite_count(path) == count:
        return url
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(path)
    try:
        marks = ",".join("?" for _ in INSERT_COLUMNS)
        sql = f"INSERT INTO residents ({','.join(INSERT_COLUMNS)}) VALUES ({marks})"
        batch: list[tuple[object, ...]] = []
        for row in rows(count):
            batch.append((*row[:15], json.dumps(row[15]), row[16]))
            if len(batch) == 20_000:
                conn.executemany(sql, batch)
                batch.clear()
        conn.executemany(sql, batch)
        conn.commit()
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return url


def _sqlite_count(path: Path) -> int:
    try:
        conn = sqlite3.connect(path)
        try:
            return int(conn.execute("SELECT count(*) FROM residents").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return -1


def postgres_register(admin_url: str, count: int) -> str:
    """The URL of a PostgreSQL database holding `count` residents at the schema head (built
    once with COPY, kept between runs)."""
    import psycopg

    from kiosk.db.engine import make_engine
    from kiosk.db.migrate import head_revision, upgrade

    name = f"kiosk_bench_residents_{count}_{head_revision()}_{GENERATOR}".lower()
    admin = admin_url.replace("postgresql+psycopg://", "postgresql://")
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and _pg_count(url) == count:
            return url
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    with psycopg.connect(url) as conn:
        copy_sql = f"COPY residents ({','.join(INSERT_COLUMNS)}) FROM STDIN"
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for row in rows(count):
                copy.write_row((*row[:15], json.dumps(row[15]), row[16]))
        conn.execute("ANALYZE residents")
    return url


def _pg_count(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            found = conn.execute("SELECT count(*) FROM residents").fetchone()
            return int(found[0]) if found else -1
    except psycopg.Error:
        return -1


def write_csv(path: Path, count: int, *, offset: int = 0) -> Path:
    """`count` residents (from the `offset`-th) in our CSV layout, for the import bench."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in itertools.islice(rows(offset + count), offset, None):
            tags = row[15]
            assert isinstance(tags, list)
            sex = "男" if row[2] == "male" else "女"
            hukou = "是" if row[13] else "否"
            writer.writerow([*row[:2], sex, *row[3:13], hukou, row[14], ";".join(tags)])
    return path
