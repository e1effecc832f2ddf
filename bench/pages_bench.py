"""Benchmark: the five main pages' whole server runs at 1k and 100k customers, server memory per session, imports.

    .venv/bin/python -m bench.pages_bench [--repeat 20] [--import-rows 100000] [--json] [--no-fail]
    .venv/bin/python -m bench.pages_bench \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_pages \\
        --small-database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_pages_small

The data is bench/calendar_bench.py's (built once; SQLite cached in bench/.cache/): 100k customers with
1M follow-ups ("large") and 1k customers with 10k follow-ups ("small"), 20 reps and their manager.

1. Pages. Each size in its own process, with DATABASE_URL pointing at it: the real app (app.py, the
   manager's navigation) in streamlit.testing.v1.AppTest with bench_manager logged in the way
   tests/pages/apptest.py does it. Per page — list (pages/archives.py), archive (pages/archive.py
   ?id=the customer with the most follow-ups, on its 资料卡, 跟进 and 编辑 tabs), board, calendar,
   dashboard — the page is opened ("first": one sample, the shared caches still cold), run once more,
   then rerun --repeat times, as a click reruns it on a server, then --repeat times more, each right
   after a save ("saved": the shared caches, keyed by the data version, recompute). The time is the
   script run itself, from the runner's SCRIPT_STARTED to its SCRIPT_STOPPED event (app.py + the page,
   not AppTest's parsing), with the scripts' bytecode cached across runs as a server does (AppTest
   alone recompiles every run); also the script thread's CPU time (SQLite's work included), steadier
   than the time on a busy machine. Targets (issue 9 §10): p95 ≤ 300 ms at the large size (reruns and
   after a save), and large p50 ≤ 1.3 × small p50.
2. Memory: bench/session_memory.py — a real server's peak RSS with 1 and 10 browser sessions.
3. Imports: bench/import_bench.py's floor (b) and ours (c) (with --import-naive also (a)) for
   --import-rows rows, each in a fresh database on the same server (0: skipped).

Before measuring, the bench databases get a 公海 sweep marker for today (the app's daily sweep would
otherwise hand the untended bench customers to the pool on its first run and change the data) and
bench_manager a password (for the browser's login form). Exit status 1 when a page or memory target
is missed, unless --no-fail.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, update

from bench.calendar_bench import prepare_data
from bench.import_bench import count_rows, fresh_database, is_sqlite, run_child
from bench.import_workbook import ensure_workbook
from bench.session_memory import PASSWORD, SESSION_MB, TIMEOUT_MS, server_memory
from db import engine
from db.engine import dispose_all, session_scope
from db.models import Setting, User
from db.models_followups import FollowUp
from db.pool import LAST_SWEEP_KEY
from db.users import hash_password
from domain.formatting import local_today

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"list": "pages/archives.py", "archive": "pages/archive.py", "archive·跟进": "pages/archive.py",
         "archive·编辑": "pages/archive.py", "board": "pages/board.py", "calendar": "pages/calendar.py",
         "dashboard": "pages/dashboard.py"}
ARCHIVE_TABS = {"archive·跟进": "跟进", "archive·编辑": "编辑"}  # "archive" opens on 资料卡
P95_MS, RATIO = 300.0, 1.3
LARGE, SMALL = (100_000, 1_000_000), (1_000, 10_000)
SESSIONS = 10


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


# --------------------------------------------------------------------------- the data

def ready_for_the_app(url: str) -> int:
    """Mark today's 公海 sweep as done, give bench_manager a password; the archive page's customer id."""
    with session_scope(url) as s:
        marker = s.get(Setting, LAST_SWEEP_KEY)
        if marker is None:
            s.add(Setting(key=LAST_SWEEP_KEY, value=local_today().isoformat()))
        else:
            marker.value = local_today().isoformat()
        s.execute(update(User).where(User.username == "bench_manager").values(password_hash=hash_password(PASSWORD)))
        busiest = s.scalar(select(FollowUp.customer_id).group_by(FollowUp.customer_id)
                           .order_by(func.count().desc(), FollowUp.customer_id).limit(1))
    dispose_all()
    return busiest


# --------------------------------------------------------------------------- 1. pages (child process)

def time_pages(customer_id: int, repeat: int) -> dict[str, dict]:
    """Every page's server run in AppTest; runs in the child, DATABASE_URL already set."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    from tests.pages.apptest import login

    events: list[tuple[str, float, float]] = []
    server_cache, plain_init = ScriptCache(), LocalScriptRunner.__init__

    def timed_init(self, *args, **kwargs):
        plain_init(self, *args, **kwargs)
        # AppTest compiles the scripts anew for every run; a server compiles them once for all sessions.
        self._script_cache = server_cache
        # Sent on the script's own thread: wall time and that thread's CPU time (SQLite works in it too).
        self.on_event.connect(lambda _sender, event, **_: events.append(
            (event.name, time.perf_counter(), time.thread_time())), weak=False)

    LocalScriptRunner.__init__ = timed_init

    def run(at) -> tuple[float, float]:
        events.clear()
        at.run()
        if at.exception or at.error:
            raise RuntimeError(f"{at.exception or ''} {[e.value for e in at.error]}")
        starts = [e for e in events if e[0] == "SCRIPT_STARTED"]
        stops = [e for e in events if e[0].startswith("SCRIPT_STOPPED")]
        wall = stops[-1][1] - starts[0][1]  # app.py may rerun itself (a page switch): first start to last stop
        cpu = sum(stop[2] - start[2] for start, stop in zip(starts, stops))
        return wall * 1000, cpu * 1000

    with session_scope() as s:
        manager = s.scalars(select(User).where(User.username == "bench_manager")).one()
    results = {}
    for name, path in PAGES.items():
        try:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_MS / 1000)
            login(at, manager)
            run(at)  # 今日待办, the start page
            if name.startswith("archive"):
                at.query_params["id"] = str(customer_id)
            if name in ARCHIVE_TABS:
                at.session_state[f"archive_tabs:{customer_id}"] = ARCHIVE_TABS[name]  # what a click on the tab sets
            at.switch_page(path)
            first, _ = run(at)
            run(at)
            times, cpu = zip(*[run(at) for _ in range(repeat)])
            saved = []
            for _ in range(repeat):  # each run after a save: every shared cache misses once
                engine._bump_data_version()
                saved.append(run(at)[0])
            results[name] = {"first_ms": round(first, 1), "p50_ms": round(statistics.median(times), 1),
                             "p95_ms": round(p95(times), 1), "cpu_p50_ms": round(statistics.median(cpu), 1),
                             "saved_p50_ms": round(statistics.median(saved), 1), "saved_p95_ms": round(p95(saved), 1),
                             "times_ms": [round(t, 1) for t in times]}
        except Exception as exc:  # noqa: BLE001 - reported in the table as the page's failure
            results[name] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        print(f"  {name:<10}{json.dumps({k: v for k, v in results[name].items() if k != 'times_ms'})}",
              file=sys.stderr, flush=True)
    return results


def pages_in_child(url: str, customer_id: int, repeat: int) -> dict[str, dict]:
    env = {**os.environ, "DATABASE_URL": url, "KEDANG_DEMO": "0", "PYTHONUNBUFFERED": "1",
           "STREAMLIT_LOGGER_LEVEL": "error"}  # AppTest's own thread warns "missing ScriptRunContext" every run
    done = subprocess.run([sys.executable, "-m", "bench.pages_bench", "--child-url", url, "--customer-id",
                           str(customer_id), "--repeat", str(repeat)],
                          cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return {name: {"error": f"child exited {done.returncode}"} for name in PAGES}
    return json.loads(lines[-1])


# --------------------------------------------------------------------------- 3. imports

def import_figures(database_url: str | None, rows: int, naive: bool) -> dict[str, dict]:
    """bench/import_bench.py's pipelines, each in a fresh database and its own process."""
    path = ensure_workbook(rows)
    results = {}
    for stage in (("naive",) if naive else ()) + ("floor", "ours"):
        with fresh_database(database_url if not is_sqlite(database_url) else None, stage,
                            reference_data=stage == "ours") as url:
            result = run_child(stage, path, url)
            if "error" not in result:
                result["written"] = count_rows(url)
        results[stage] = result
        print(f"  import {stage}: " + (f"{result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB"
                                       if "error" not in result else "FAILED"), flush=True)
    return results


# --------------------------------------------------------------------------- the report

def page_rows(small: dict, large: dict) -> list[dict]:
    rows = []
    for name in PAGES:
        s, l = small[name], large[name]
        row = {"page": name, "small": s, "large": l}
        if "error" in s or "error" in l:
            row.update({"pass": False, "error": s.get("error") or l.get("error")})
        else:
            row["ratio_p50"] = round(l["p50_ms"] / s["p50_ms"], 2)
            row["ratio_p95"] = round(l["p95_ms"] / s["p95_ms"], 2)
            row["pass"] = l["p95_ms"] <= P95_MS and row["ratio_p50"] <= RATIO and l["saved_p95_ms"] <= P95_MS
        rows.append(row)
    return rows


def print_report(rows: list[dict], memory: dict, imports: dict, about: str) -> None:
    print(f"\nPages, server run of app.py + the page in ms ({about}); target: large p95 ≤ {P95_MS:.0f} ms "
          f"(also after a save) and large p50 ≤ {RATIO}× small p50")
    print(f"{'page':<13}{'1k first':>9}{'1k p50':>8}{'1k p95':>8}{'1k cpu':>8}{'100k first':>11}{'100k p50':>9}"
          f"{'100k p95':>9}{'100k cpu':>9}{'saved p50':>10}{'saved p95':>10}{'ratio p50':>10}  verdict")
    for row in rows:
        if "error" in row:
            print(f"{row['page']:<13}  ERROR {row['error']}")
            continue
        s, l = row["small"], row["large"]
        print(f"{row['page']:<13}{s['first_ms']:9.0f}{s['p50_ms']:8.0f}{s['p95_ms']:8.0f}{s['cpu_p50_ms']:8.0f}"
              f"{l['first_ms']:11.0f}{l['p50_ms']:9.0f}{l['p95_ms']:9.0f}{l['cpu_p50_ms']:9.0f}"
              f"{l['saved_p50_ms']:10.0f}{l['saved_p95_ms']:10.0f}{row['ratio_p50']:10.2f}  "
              + ("PASS" if row["pass"] else "FAIL"))
    print("  first: the page's first run in a session (one sample; the shared caches cold); p50/p95: reruns with\n"
          "  nothing saved meanwhile; saved: reruns each right after a save (every shared cache recomputes);\n"
          "  cpu: p50 of the script thread's CPU time (on SQLite the queries run in it too), steadier when busy")
    print("\nServer memory (streamlit run + Chromium, sessions as bench_manager, large database)")
    for step in memory.get("sessions", []):
        print(f"  {step['sessions']:2d} session(s): peak {step['peak_mb']:.0f} MB, now {step['rss_mb']:.0f} MB "
              f"(this session's pages took {step['seconds']:.0f} s)")
    if "error" in memory:
        print(f"  not measured: {memory['error']}")
    elif memory:
        print(f"  after start {memory['started']['rss_mb']:.0f} MB; {memory['per_extra_session_mb']:.1f} MB of peak "
              f"per session after the first (≤ {SESSION_MB:.0f}: {'PASS' if memory['pass'] else 'FAIL'})")
    if imports:
        print("\nImport (bench/import_bench.py; each pipeline in a fresh database and its own process)")
        print(f"{'pipeline':<10}{'seconds':>9}{'rows/s':>9}{'peak MB':>9}")
        for stage, r in imports.items():
            if "error" in r:
                print(f"{stage:<10}  FAILED {r['error'][-1] if r['error'] else ''}")
            else:
                print(f"{stage:<10}{r['seconds']:9.1f}{r['rows'] / r['seconds']:9.0f}{r['peak_mb']:9.0f}")
        ok = {k: r for k, r in imports.items() if "error" not in r}
        if {"floor", "ours"} <= set(ok):
            print(f"  ours/floor = {ok['ours']['seconds'] / ok['floor']['seconds']:.2f}× (issue target ≤ 2×)"
                  + (f"; naive/ours = {ok['naive']['seconds'] / ok['ours']['seconds']:.2f}× (≥ 8×)"
                     if "naive" in ok else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="the large database (postgresql+psycopg://…); default: cached SQLite")
    parser.add_argument("--small-database-url", help="the small database on PostgreSQL")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=SESSIONS, help="browser sessions for memory (0: skip)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows for the import figures (0: skip)")
    parser.add_argument("--import-naive", action="store_true", help="also the naive pandas+ORM import (slow)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even when a target is missed")
    parser.add_argument("--child-url", help=argparse.SUPPRESS)  # child: time the pages on this database
    parser.add_argument("--customer-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_url:
        print(json.dumps(time_pages(args.customer_id, args.repeat)), flush=True)
        return 0
    if not is_sqlite(args.database_url) and not args.small_database_url:
        parser.error("--small-database-url is needed with a PostgreSQL --database-url")
    load = os.getloadavg()[0]
    large_url = prepare_data(args.database_url, *LARGE)
    small_url = prepare_data(args.small_database_url if not is_sqlite(args.database_url) else None, *SMALL)
    kind = "SQLite" if is_sqlite(large_url) else "PostgreSQL"
    results = {}
    for size, url in (("small", small_url), ("large", large_url)):
        customer_id = ready_for_the_app(url)
        print(f"{size}: timing the pages (archive id {customer_id}) …", file=sys.stderr, flush=True)
        results[size] = pages_in_child(url, customer_id, args.repeat)
    rows = page_rows(results["small"], results["large"])
    memory = server_memory(large_url, ready_for_the_app(large_url), args.sessions) if args.sessions else {}
    imports = import_figures(args.database_url, args.import_rows, args.import_naive) if args.import_rows else {}
    about = (f"{kind}, {LARGE[0]:,} customers/{LARGE[1]:,} follow-ups vs {SMALL[0]:,}/{SMALL[1]:,}, "
             f"{args.repeat} reruns, {os.cpu_count()} CPUs, load average {load:.2f} at the start, "
             f"{os.getloadavg()[0]:.2f} now")
    print_report(rows, memory, imports, about)
    memory_ok = not args.sessions or memory.get("pass", False)  # not measured at all: not met
    passed = all(row["pass"] for row in rows) and memory_ok
    print(f"\n{'PASS' if passed else 'FAIL'}: pages {sum(r['pass'] for r in rows)}/{len(rows)} within targets; "
          f"memory {'not measured' if not memory or 'error' in memory else 'PASS' if memory['pass'] else 'FAIL'}")
    if args.json:
        print(json.dumps({"database": kind, "repeat": args.repeat, "pages": rows, "memory": memory,
                          "imports": imports}, ensure_ascii=False, default=str))
    return 0 if passed or args.no_fail else 1


if __name__ == "__main__":
    raise SystemExit(main())
