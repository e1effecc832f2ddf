"""Benchmark: the follow-up calendar (跟进日历) and 今日待办 at 100k customers and 1M follow-ups.

    .venv/bin/python -m bench.calendar_bench --customers 100000 --follow-ups 1000000 [--repeat 5] [--json]
    .venv/bin/python -m bench.calendar_bench ... --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_calendar

Measured: what pages/calendar.py does on the server for one render — the pickers (active
schemes, owners) and ``calendar_items`` for the visible range — and what pages/home.py asks for
``agenda`` (plans due, customers due by cadence, records to review, escalations, payments,
birthdays). Cases: a month and a week, as the manager (everyone's calendar; busy days are summed
per day) and as one rep (own customers), with and without a class filter. Each case runs once
to warm up, then --repeat times; the median is checked against issue 5's target: the calendar
page's server run ≤ 300 ms at 100k customers and 1M follow-ups. Exit status 1 if any case fails.

The data: bench/board_bench.py's customers (20 reps and a manager, classes in every active
scheme), then N follow-ups spread over the last two years by each customer's owner, 50k visit
plans from 30 days back to 60 days ahead, receivables for 1 in 5 customers, this year's 月度销量
(with 年度投入 and 信用额度) for 1 in 3, and every customer's
contact status computed by db/cadence.refresh_due — the app's own code. SQLite is cached as
bench/.cache/calendar_v1f<follow-ups>_<N>.db; PostgreSQL is built in the URL's database and ANALYZEd.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from decimal import Decimal

from sqlalchemy import bindparam, create_engine, insert, select, text, update

from bench import board_bench
from bench.import_bench import is_sqlite
from db.archive_queries import active_schemes, owners
from db.cadence import refresh_due
from db.calendar_queries import CalendarFilter, calendar_items
from db.engine import dispose_all, session_scope
from db.followup_queries import agenda
from db.migrate import upgrade
from db.models import ClassValue, Customer, MonthlySales, Setting, User
from db.models_followups import FollowUp, Receivable, VisitPlan
from db.seed import PRODUCTS
from domain import calendar as cal
from domain.followups import DONE, METHODS, PLAN_METHODS, PLANNED
from domain.formatting import local_today

BUILD = "v2"  # v2: 月度销量, 年度投入 and 信用额度 too (for bench/dashboard_bench.py)
TARGET_MS = 300.0
CHUNK = 50_000


def builder(tag: str, follow_ups: int):
    """The build function board_bench.prepare calls for a missing or outdated database."""
    def build(url: str, n: int, seed: int = 11) -> None:
        board_bench.build(url, n)
        rng, today = random.Random(seed), local_today()
        with session_scope(url) as s:
            owner_of = dict(s.execute(select(Customer.id, Customer.owner_id)).all())
            ids = list(owner_of)
            rows = []
            for i in range(follow_ups):
                customer = rng.choice(ids)
                rows.append(dict(customer_id=customer, day=today - dt.timedelta(days=rng.randint(0, 730)),
                                 method=rng.choices(METHODS, weights=[25, 10, 40, 12, 8, 5])[0],
                                 summary="客户询问新品价格", follower_id=owner_of[customer],
                                 created_at=dt.datetime(2026, 1, 1),
                                 reviewed_at=dt.datetime(2026, 1, 2) if rng.random() < 0.9 else None))
                if len(rows) == CHUNK or i == follow_ups - 1:
                    s.execute(insert(FollowUp), rows)
                    rows = []
            s.execute(insert(VisitPlan), [dict(
                customer_id=(c := rng.choice(ids)), day=today + dt.timedelta(days=rng.randint(-30, 60)),
                method=rng.choice(PLAN_METHODS), assignee_id=owner_of[c], created_by_id=owner_of[c],
                status=PLANNED if rng.random() < 0.7 else DONE, created_at=dt.datetime(2026, 1, 1))
                for _ in range(50_000)])
            s.execute(insert(Receivable), [dict(
                customer_id=c, doc_date=(d := today - dt.timedelta(days=rng.randint(0, 200))), amount=Decimal(10000),
                due_date=d + dt.timedelta(days=30), paid=Decimal(rng.choice([0, 10000])),
                created_at=dt.datetime(2026, 1, 1))
                for c in rng.sample(ids, len(ids) // 5)])
            selling = rng.sample(ids, len(ids) // 3)  # 月度销量 of this year for a third of the customers
            s.execute(insert(MonthlySales), [dict(customer_id=c, year=today.year, product=product, month=month,
                                                  quantity=rng.randint(0, 120))
                                             for c in selling for product in [rng.choice(PRODUCTS)]
                                             for month in range(1, 13)])
            table = Customer.__table__
            s.execute(update(table).where(table.c.id == bindparam("cid"))
                      .values(investment=bindparam("inv"), credit_limit=bindparam("limit")),
                      [dict(cid=c, inv=rng.choice([1, 2, 5, 10, 20]), limit=rng.choice([5000, 20000, 50000]))
                       for c in selling])
        with session_scope(url) as s:
            refresh_due(s)  # every customer's last contacts and next due date, by the app's own code
            s.add(Setting(key="bench_calendar", value=f"{tag}:{n}"))
        if not is_sqlite(url):
            with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text("ANALYZE"))
        dispose_all()
    return build


def prepare_data(database_url: str | None, customers: int, follow_ups: int) -> str:
    """The URL of a database with the benchmark's customers and follow-ups (built once, then reused)."""
    started = time.perf_counter()
    tag = f"{BUILD}f{follow_ups}"
    url = board_bench.prepare(database_url, customers, name="calendar", tag=tag, builder=builder(tag, follow_ups))
    upgrade(url)
    print(f"{'SQLite' if is_sqlite(url) else 'PostgreSQL'}: {customers} customers, {follow_ups} follow-ups ready in "
          f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    return url


def calendar_run(url: str, actor: User, view: str, flt: CalendarFilter, today: dt.date) -> float:
    """One server run of pages/calendar.py; returns milliseconds."""
    start = time.perf_counter()
    with session_scope(url) as s:
        active_schemes(s), owners(s)
    first, end = cal.visible_range(view, today)
    with session_scope(url) as s:
        calendar_items(s, actor, first, end, flt, today)
    return (time.perf_counter() - start) * 1000


def agenda_run(url: str, actor: User, today: dt.date) -> float:
    start = time.perf_counter()
    with session_scope(url) as s:
        agenda(s, actor, today)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--follow-ups", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="postgresql+psycopg://… or sqlite:///file; default: cached SQLite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    url = prepare_data(args.database_url, args.customers, args.follow_ups)
    kind = "SQLite" if is_sqlite(url) else "PostgreSQL"
    today = local_today()
    with session_scope(url) as s:
        manager = s.scalars(select(User).where(User.username == "bench_manager")).one()
        rep = s.scalars(select(User).where(User.username == "bench_rep00")).one()
        key_class = s.scalar(select(ClassValue.id).where(ClassValue.name == "重点客户"))
    cases = [
        ("calendar / month / manager", lambda: calendar_run(url, manager, cal.MONTH, CalendarFilter(), today)),
        ("calendar / month / manager / one rep", lambda: calendar_run(url, manager, cal.MONTH,
                                                                     CalendarFilter(rep_id=rep.id), today)),
        ("calendar / month / manager / 重点客户", lambda: calendar_run(url, manager, cal.MONTH,
                                                                    CalendarFilter(class_value_id=key_class), today)),
        ("calendar / week / manager", lambda: calendar_run(url, manager, cal.WEEK, CalendarFilter(), today)),
        ("calendar / month / rep", lambda: calendar_run(url, rep, cal.MONTH, CalendarFilter(), today)),
        ("calendar / week / rep", lambda: calendar_run(url, rep, cal.WEEK, CalendarFilter(), today)),
        ("今日待办 / manager", lambda: agenda_run(url, manager, today)),
        ("今日待办 / rep", lambda: agenda_run(url, rep, today)),
    ]
    results = []
    print(f"{'case':<44}{'min ms':>9}{'median ms':>11}  (median ≤ {TARGET_MS:.0f} ms)")
    for name, run in cases:
        run()
        times = [run() for _ in range(args.repeat)]
        result = {"case": name, "min_ms": round(min(times), 1), "median_ms": round(statistics.median(times), 1)}
        result["pass"] = result["median_ms"] <= TARGET_MS
        results.append(result)
        pad = " " * (44 - sum(2 if ord(ch) > 0x2E80 else 1 for ch in name))
        print(f"{name}{pad}{result['min_ms']:9.1f}{result['median_ms']:11.1f}  {'PASS' if result['pass'] else 'FAIL'}")
    return board_bench.finish(results, TARGET_MS, {"database": kind, "customers": args.customers,
                                                   "follow_ups": args.follow_ups, "repeat": args.repeat},
                              as_json=args.json)


if __name__ == "__main__":
    raise SystemExit(main())
