"""Benchmark: importing a large office workbook — naive pandas+ORM, the floor, and our import.

    .venv/bin/python -m bench.import_bench --rows 100000 [--skip-naive] \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_import]
    .venv/bin/python -m bench.import_bench --rows 2000          # quick check
    # profile (c) alone:
    .venv/bin/python -m cProfile -s cumtime -m bench.import_bench --stage ours --fresh --rows 20000

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

from bench.import_workbook import COLUMNS, HEADERS, ROOT, ensure_workbook

STAGES = ("naive", "floor", "ours")
STAGE_TITLES = {"naive": "(a) naive pandas+ORM", "floor": "(b) floor calamine+Core", "ours": "(c) ours read+import"}
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
