"""Benchmark: importing a large office workbook — naive pandas+ORM, the floor, and our import.

    .venv/bin/python -m bench.import_bench --rows 100000 [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_import] [--skip-naive]
    .venv/bin/python -m bench.import_bench --rows 2000          # quick check
    .venv/bin/python -m cProfile -s cumtime -m bench.import_bench --stage ours --fresh --rows 20000   # profile (c) alone

Generates (once, cached in bench/.cache/, git-ignored) a customer-archive workbook
of N rows and 25 columns with Chinese office headers, a title row above the
header and the usual mess (phones as numbers or text, dates as Excel dates or
"2019年5月", amounts as "50万" or "100,000", grades 'a'/'Ｂ'/'C'). Then times,
each in a fresh database (SQLite file in a temp folder, or a new database on
the PostgreSQL server of --database-url, dropped afterwards) and each in its
own subprocess, so the peak memory (ru_maxrss) is that pipeline's alone:

  (a) naive  pandas.read_excel + one ORM ``Customer`` per row + add_all + commit
  (b) floor  python-calamine read + ONE Core executemany of the raw values
  (c) ours   domain.spreadsheet.read_workbook + db.imports.run_import (the full import)

(a) and (b) write the 22 registry columns as read (text as-is, a number or date
only when the cell already is one, else NULL) and skip the contact and class
columns; (c) parses, validates, checks duplicates and writes contacts, classes
and history as well. Setting up the database (migrations, reference data) is
not timed. Nothing here imports streamlit.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from domain.fields import CUSTOMER_TYPES, PROVINCES

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
GENERATOR_VERSION = 1  # bump when the generated workbook changes, so old caches are not reused
STAGES = ("naive", "floor", "ours")
STAGE_TITLES = {"naive": "(a) naive pandas+ORM", "floor": "(b) floor calamine+Core", "ours": "(c) ours read+import"}
TITLE = "客户档案汇总表（截至2024年12月31日）"

# The workbook's columns: header → registry field (None: not a registry field; contact / class columns).
COLUMNS: list[tuple[str, str | None]] = [
    ("客户名称", "name"), ("客户类型", "customer_type"), ("省份", "province"), ("城市", "city"),
    ("区县", "district"), ("地址", "address"), ("联系电话", "phone"), ("传真", "fax"), ("电子邮箱", "email"),
    ("法人代表", "legal_rep"), ("主营业务", "main_business"), ("注册资金（万元）", "registered_capital"),
    ("营业面积", "floor_area"), ("成立时间", "founded_on"), ("员工人数", "staff_count"),
    ("付款方式", "payment_method"), ("账期", "credit_days"), ("开户行", "bank"), ("税号", "tax_no"),
    ("账号", "account_no"), ("信用额度", "credit_limit"), ("客户等级", None), ("负责人", None),
    ("联系人手机", None), ("备注", "notes"),
]
HEADERS = [h for h, _ in COLUMNS]

CITIES = {
    "北京": ["北京"], "天津": ["天津"], "河北": ["石家庄", "唐山", "保定"], "山西": ["太原", "大同"],
    "内蒙古": ["呼和浩特", "包头"], "辽宁": ["沈阳", "大连"], "吉林": ["长春", "吉林"], "黑龙江": ["哈尔滨", "大庆"],
    "上海": ["上海"], "江苏": ["南京", "苏州", "无锡"], "浙江": ["杭州", "宁波", "温州"], "安徽": ["合肥", "芜湖"],
    "福建": ["福州", "厦门", "泉州"], "江西": ["南昌", "赣州"], "山东": ["济南", "青岛", "烟台"],
    "河南": ["郑州", "洛阳"], "湖北": ["武汉", "宜昌"], "湖南": ["长沙", "株洲"],
    "广东": ["广州", "深圳", "佛山", "东莞"], "广西": ["南宁", "桂林"], "海南": ["海口", "三亚"],
    "重庆": ["重庆"], "四川": ["成都", "绵阳", "宜宾"], "贵州": ["贵阳", "遵义"], "云南": ["昆明", "大理"],
    "西藏": ["拉萨"], "陕西": ["西安", "宝鸡"], "甘肃": ["兰州", "天水"], "青海": ["西宁"], "宁夏": ["银川"],
    "新疆": ["乌鲁木齐", "喀什"], "台湾": ["台北"], "香港": ["香港"], "澳门": ["澳门"],
}
assert set(CITIES) == set(PROVINCES), "one city list per province of domain.fields.PROVINCES"
FULL_PROVINCE = {"北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "内蒙古": "内蒙古自治区",
                 "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
                 "新疆": "新疆维吾尔自治区", "香港": "香港特别行政区", "澳门": "澳门特别行政区"}
DISTRICTS = ["城关区", "新城区", "高新区", "开发区", "南山区", "朝阳区", "江北区", "天河区", "鼓楼区", "经开区"]
ROADS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "科技园路", "工业大道", "滨江路", "长江路"]
WORDS = ["好运来", "金百合", "福满楼", "华润", "永辉", "四季春", "聚贤庄", "和盛", "鸿福", "万家", "锦江", "天和",
         "新世纪", "百姓", "同仁", "康泰", "盛世", "龙腾", "顺心", "东方", "佳乐", "明珠", "宏远", "兴隆"]
NAME_SUFFIX = {"餐饮终端": ["大酒店", "酒楼", "海鲜餐厅", "餐饮有限公司"], "商超终端": ["超市", "购物广场", "便利店"],
               "经销商/批发": ["商贸有限公司", "酒业有限公司", "批发部"], "医院/药店": ["大药房", "医药连锁有限公司"],
               "企业": ["科技有限公司", "实业有限公司"], "个人": ["商行"], "其他": ["经营部"]}
TYPE_ALIASES = {"商超终端": "超市", "经销商/批发": "经销商", "医院/药店": "药店", "餐饮终端": "餐饮"}
BUSINESS = ["白酒批发、零售", "中餐、宴席", "日用百货", "药品零售", "粮油副食", "烟酒茶叶", "海鲜餐饮", "食品饮料批发"]
BANKS = ["中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "招商银行", "交通银行", "农村商业银行"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建国",
         "志强", "丽", "桂英"]
NOTES = ["老客户，按时回款", "周末送货\n需提前电话联系", "年底有团购需求", "新开门店", "负责人常驻外地"]
PAYMENTS = ["现金", "转帐", "承兑", "其他", "转账"]  # 转账: the everyday spelling, an alias of 转帐
GRADES = ["a", "Ｂ", "C", "A", "b", "c"]


# --------------------------------------------------------------------------- the workbook

def cache_path(rows: int) -> Path:
    return CACHE / f"import_customers_{rows}_v{GENERATOR_VERSION}.xlsx"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def blank_or(rng: random.Random, value: Any, blank: float = 0.1) -> Any:
    return None if rng.random() < blank else value


def generate_row(n: int, rng: random.Random) -> list[Any]:
    """Row n (0-based) of the workbook: unique name, phone, mobile and tax number; the rest varied."""
    province = rng.choice(list(CITIES))
    city = rng.choice(CITIES[province])
    district = rng.choice(DISTRICTS)
    customer_type = CUSTOMER_TYPES[n % len(CUSTOMER_TYPES)]
    name = f"{city}{rng.choice(WORDS)}{n + 1}{rng.choice(NAME_SUFFIX[customer_type])}"
    shown_type = TYPE_ALIASES.get(customer_type, customer_type) if n % 10 == 7 else customer_type
    shown_province = FULL_PROVINCE.get(province, province + "省") if n % 5 == 3 else province
    address = f"{FULL_PROVINCE.get(province, province + '省')}{city}市{district}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
    phone_number = 13800000000 + n
    phone: Any = (phone_number if n % 3 == 0 else str(phone_number) if n % 3 == 1
                  else f"{str(phone_number)[:3]}-{str(phone_number)[3:7]}-{str(phone_number)[7:]}")
    mobile_number = 15900000000 + n
    mobile: Any = mobile_number if n % 2 == 0 else str(mobile_number)
    fax = blank_or(rng, f"0{rng.randint(10, 999)}-{rng.randint(2000_0000, 8999_9999)}", 0.4)
    email = blank_or(rng, f"kf{n + 1}@{rng.choice(['163.com', 'qq.com', 'sina.com', 'example.cn'])}", 0.3)
    capital = rng.choice([50, 100, 200, 300, 500, 1000])
    registered_capital = blank_or(rng, [capital, f"{capital}万", f"{capital}万元", capital + 0.5][n % 4])
    area = rng.randint(40, 5000)
    floor_area = blank_or(rng, [area, f"{area}平方米", area + 0.5][n % 3])
    year, month, day = rng.randint(1995, 2023), rng.randint(1, 12), rng.randint(1, 28)
    founded_on = blank_or(rng, [dt.date(year, month, day), f"{year}年{month}月", f"{year}-{month:02d}-{day:02d}",
                                dt.date(year, month, day), f"{year}/{month}/{day}"][n % 5])
    staff = rng.randint(3, 800)
    staff_count = blank_or(rng, staff if n % 2 else f"{staff}人")
    days = rng.choice([0, 15, 30, 45, 60, 90])
    credit_days = blank_or(rng, days if n % 2 else f"{days}天", 0.2)
    bank = blank_or(rng, f"{rng.choice(BANKS)}{city}{district.removesuffix('区')}支行", 0.2)
    tax_no = blank_or(rng, f"91{rng.randint(1100, 6599)}00MA{n + 1:07d}{rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY')}",
                      0.15)
    account = f"6222{rng.randint(0, 10**15 - 1):015d}"
    account_no = blank_or(rng, " ".join(account[i:i + 4] for i in range(0, 19, 4)) if n % 4 == 0 else account, 0.2)
    limit = rng.choice([10_000, 50_000, 100_000, 200_000, 500_000])
    credit_limit = blank_or(rng, [f"{limit:,}", limit, f"{limit // 10_000}万", f"¥{limit:,}"][n % 4], 0.2)
    grade = blank_or(rng, GRADES[n % len(GRADES)], 0.15)
    notes = blank_or(rng, rng.choice(NOTES), 0.8)
    return [name, shown_type, shown_province, city, district, address, phone, fax, email, person(rng),
            blank_or(rng, rng.choice(BUSINESS)), registered_capital, floor_area, founded_on, staff_count,
            blank_or(rng, rng.choice(PAYMENTS), 0.2), credit_days, bank, tax_no, account_no, credit_limit, grade,
            person(rng), mobile, notes]


def ensure_workbook(rows: int) -> Path:
    """The cached workbook of ``rows`` data rows, written (openpyxl write-only) when missing."""
    path = cache_path(rows)
    if path.exists():
        return path
    from openpyxl import Workbook

    from domain.import_mapping import auto_mapping

    mapped = auto_mapping(HEADERS)
    if len(mapped) != len(HEADERS):
        missing = [h for i, h in enumerate(HEADERS) if i not in mapped]
        raise SystemExit(f"the importer does not recognise these generated headers: {missing}")
    CACHE.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    print(f"generating {path.relative_to(ROOT)} ({rows} rows × {len(HEADERS)} columns) …", flush=True)
    rng = random.Random(20240501)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("客户档案")
    sheet.append([TITLE])
    sheet.append(HEADERS)
    for n in range(rows):
        sheet.append(generate_row(n, rng))
    partial = path.with_name(f"import_partial_{os.getpid()}.xlsx")
    book.save(partial)
    partial.replace(path)
    print(f"generated in {time.perf_counter() - start:.1f} s, {path.stat().st_size / 1e6:.1f} MB", flush=True)
    return path


# --------------------------------------------------------------------------- fresh databases

def is_sqlite(url: str | None) -> bool:
    return not url or url.startswith("sqlite")


def _admin_conninfo(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql", database="test").render_as_string(hide_password=False)


@contextmanager
def fresh_database(base_url: str | None, label: str, *, reference_data: bool) -> Iterator[str]:
    """A new, migrated database (SQLite file in a temp folder, or a new PostgreSQL database), removed afterwards."""
    from db.engine import dispose_all, session_scope
    from db.migrate import upgrade
    from db.seed import ensure_reference_data

    folder = None
    name = None
    if is_sqlite(base_url):
        folder = tempfile.mkdtemp(prefix=f"kedang_import_{label}_")
        url = f"sqlite:///{folder}/bench.db"
    else:
        import psycopg
        from psycopg import sql
        from sqlalchemy.engine import make_url

        base = make_url(base_url)
        name = f"{base.database or 'bench_import'}_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(_admin_conninfo(base_url), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = base.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        if reference_data:
            with session_scope(url) as s:
                ensure_reference_data(s)
        dispose_all()
        yield url
    finally:
        dispose_all()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        if name:
            import psycopg
            from psycopg import sql

            with psycopg.connect(_admin_conninfo(base_url), autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def count_rows(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                    for t in ("customers", "contacts", "customer_classes", "audit_events")}
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- the three pipelines (children)

def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _registry_fields() -> list[tuple[str, Any]]:
    from domain.fields import FIELDS_BY_NAME

    return [(header, FIELDS_BY_NAME[name]) for header, name in COLUMNS if name]


def raw_value(field: Any, value: Any) -> Any:
    """The value as read, for (a) and (b): text as-is (a non-text cell as str()), a number or date only
    when the cell already is one, else NULL. No validation, no parsing."""
    from domain import fields as F

    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if field.kind in F.TEXT_KINDS:
        return value if isinstance(value, str) else str(value)
    if field.kind in F.NUMBER_KINDS:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value) if field.kind == F.INT else value
        return None
    if field.kind == F.DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else None
    return None


def stage_naive(path: Path, url: str) -> dict[str, Any]:
    import pandas as pd

    from db.engine import session_scope
    from db.models import Customer

    fields = _registry_fields()
    base, cpu, start = peak_mb(), time.process_time(), time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl", header=1)
    read = time.perf_counter() - start
    customers = []
    for i, record in enumerate(frame.to_dict("records")):
        values = {field.name: raw_value(field, record.get(header)) for header, field in fields}
        customers.append(Customer(archive_no=f"BENCH-{i}", **values))
    with session_scope(url) as s:
        s.add_all(customers)
    total = time.perf_counter() - start
    return {"seconds": total, "read_seconds": read, "write_seconds": total - read, "rows": len(customers),
            "base_mb": base, "cpu_seconds": time.process_time() - cpu}


def stage_floor(path: Path, url: str) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    from db.engine import session_scope
    from db.models import Customer, utcnow
    from domain.review import FILED

    fields = _registry_fields()
    base, cpu, start = peak_mb(), time.process_time(), time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    read = time.perf_counter() - start
    header = sheet[1]
    positions = [(header.index(h), field) for h, field in fields]
    now = utcnow()
    rows = []
    for i, cells in enumerate(sheet[2:]):
        row = {field.name: raw_value(field, cells[p]) for p, field in positions}
        row.update(archive_no=f"BENCH-{i}", is_active=True, review_state=FILED, completeness=0, name_key="",
                   phone_key="", tax_key="", created_at=now, updated_at=now, version=1)
        rows.append(row)
    with session_scope(url) as s:
        s.execute(Customer.__table__.insert(), rows)
    total = time.perf_counter() - start
    return {"seconds": total, "read_seconds": read, "write_seconds": total - read, "rows": len(rows),
            "base_mb": base, "cpu_seconds": time.process_time() - cpu}


def stage_ours(path: Path, url: str) -> dict[str, Any]:
    from db.engine import session_scope
    from db.imports import ImportOptions, run_import
    from domain.permissions import SystemActor
    from domain.spreadsheet import read_workbook

    base, cpu, start = peak_mb(), time.process_time(), time.perf_counter()
    workbook = read_workbook(path.read_bytes(), path.name)
    rows = workbook.rows()
    read = time.perf_counter() - start
    with session_scope(url) as s:
        plan = run_import(s, SystemActor(), rows, file_name=path.name, options=ImportOptions())
    total = time.perf_counter() - start
    report = plan.report()
    return {"seconds": total, "read_seconds": read, "write_seconds": total - read, "rows": report["rows_read"],
            "base_mb": base, "cpu_seconds": time.process_time() - cpu,
            "report": {**{k: v for k, v in report.items() if k not in ("rejected", "duplicates")},
                       "rejected": report["rejected"][:10], "rejected_total": len(report["rejected"]),
                       "duplicates": report["duplicates"][:5], "duplicates_total": len(report["duplicates"])}}


STAGE_FUNCTIONS = {"naive": stage_naive, "floor": stage_floor, "ours": stage_ours}


def run_stage(stage: str, path: Path, url: str) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = url
    result = STAGE_FUNCTIONS[stage](path, url)
    return {"stage": stage, **result, "peak_mb": peak_mb()}


# --------------------------------------------------------------------------- the parent

def run_child(stage: str, path: Path, url: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.import_bench", "--stage", stage, "--file", str(path),
               "--database-url", url]
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"stage": stage, "error": (done.stderr or done.stdout).strip().splitlines()[-12:]}
    return json.loads(lines[-1])


def fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--database-url", help="PostgreSQL server to create fresh databases on; default: SQLite")
    parser.add_argument("--skip-naive", action="store_true", help="skip (a), the slow one")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)  # child: run one pipeline
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--fresh", action="store_true",
                        help="with --stage: create (and drop) the fresh database in this process (for cProfile)")
    args = parser.parse_args()

    if args.stage:
        path = Path(args.file) if args.file else ensure_workbook(args.rows)
        if args.fresh or not args.database_url:
            with fresh_database(args.database_url, args.stage, reference_data=args.stage == "ours") as url:
                result = run_stage(args.stage, path, url)
                result["written"] = count_rows(url)
        else:
            result = run_stage(args.stage, path, args.database_url)
        print(json.dumps(result, ensure_ascii=False, default=str), flush=True)
        return

    path = ensure_workbook(args.rows)
    kind = "SQLite" if is_sqlite(args.database_url) else "PostgreSQL"
    print(f"workbook {path.relative_to(ROOT)}: {args.rows} rows × {len(HEADERS)} columns, "
          f"{path.stat().st_size / 1e6:.1f} MB; database {kind}; {os.cpu_count()} CPUs; "
          f"Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}", flush=True)
    results: dict[str, dict[str, Any]] = {}
    for stage in STAGES:
        if stage == "naive" and args.skip_naive:
            continue
        print(f"running {STAGE_TITLES[stage]} …", flush=True)
        with fresh_database(args.database_url, stage, reference_data=stage == "ours") as url:
            result = run_child(stage, path, url)
            if "error" not in result:
                result["written"] = count_rows(url)
        results[stage] = result
        if "error" in result:
            print("  FAILED:\n    " + "\n    ".join(result["error"]), flush=True)
        else:
            print(f"  {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB, wrote {result['written']}; "
                  f"load average now {os.getloadavg()[0]:.2f}", flush=True)

    print()
    print(f"{'pipeline':<26}{'seconds':>9}{'read s':>9}{'write s':>9}{'rows/s':>10}{'peak MB':>9}{'base MB':>9}"
          f"{'customers':>11}{'py cpu s':>10}")
    for stage in STAGES:
        r = results.get(stage)
        if r is None:
            print(f"{STAGE_TITLES[stage]:<26}  skipped")
            continue
        if "error" in r:
            print(f"{STAGE_TITLES[stage]:<26}  failed")
            continue
        print(f"{STAGE_TITLES[stage]:<26}{r['seconds']:9.2f}{r['read_seconds']:9.2f}{r['write_seconds']:9.2f}"
              f"{args.rows / r['seconds']:10.0f}{r['peak_mb']:9.0f}{r['base_mb']:9.0f}"
              f"{r['written']['customers']:11d}{r['cpu_seconds']:10.1f}")
    print("  read s: the workbook read (for (c): read_workbook + .rows()); write s: the rest (for (c): run_import"
          " incl. commit);\n  base MB: the child's RSS after its imports, before the timed part; py cpu s: the child's"
          " own CPU time\n  (much less than seconds: waiting on the database server or on other processes).")

    ok = {s: r for s, r in results.items() if "error" not in r}
    c_over_b = ok["ours"]["seconds"] / ok["floor"]["seconds"] if {"ours", "floor"} <= set(ok) else None
    a_over_c = ok["naive"]["seconds"] / ok["ours"]["seconds"] if {"ours", "naive"} <= set(ok) else None
    print()
    print(f"(c)/(b) = {fmt(c_over_b, '.2f')}×   target ≤ 2×  : "
          + ("n/a" if c_over_b is None else "MET" if c_over_b <= 2 else "NOT MET"))
    print(f"(a)/(c) = {fmt(a_over_c, '.2f')}×   target ≥ 8×  : "
          + ("n/a" if a_over_c is None else "MET" if a_over_c >= 8 else "NOT MET"))
    if kind != "SQLite":
        print("  (the issue's targets are stated for SQLite; PostgreSQL is reported against the same numbers)")

    ours = ok.get("ours")
    if ours:
        report = ours["report"]
        print()
        print(f"(c) report: rows_read {report['rows_read']}, created {report['created']}, updated {report['updated']}, "
              f"unchanged {report['unchanged']}, skipped {report['skipped']}, skipped_blank {report['skipped_blank']}, "
              f"rejected_rows {report['rejected_rows']}, in-file/existing duplicate groups {report['duplicates_total']}"
              f"; written: {ours['written']}")
        if report["rejected_rows"] or report["created"] != args.rows:
            print(f"  PROBLEM: expected {args.rows} created and 0 rejected. First reasons:")
            for error in report["rejected"][:10]:
                print(f"    row {error['row']} {error['column']} «{error['value']}»: {error['reason']}")
            for group in report["duplicates"][:5]:
                print(f"    duplicate: {group}")
        else:
            print("  0 rejected: OK")
    for stage, r in ok.items():
        if stage != "ours" and r["written"]["customers"] != args.rows:
            print(f"  PROBLEM: {STAGE_TITLES[stage]} wrote {r['written']['customers']} customers, not {args.rows}")


if __name__ == "__main__":
    main()
