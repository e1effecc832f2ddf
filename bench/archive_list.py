"""Benchmark: the archive list and the write path on a large archive.

    .venv/bin/python -m bench.archive_list --customers 10000 [--database-url postgresql+psycopg://…]

Loads N demo customers into a throw-away database (SQLite file in a temp folder
unless --database-url is given), then times what users wait for: one list page,
a search, a filtered count, opening one archive, and filing a new archive.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("KEDANG_BCRYPT_ROUNDS", "4")

from db.archive_queries import CustomerFilter, get_customer, list_customers  # noqa: E402
from db.archives import create_customer  # noqa: E402
from db.engine import session_scope  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.seed import seed_demo  # noqa: E402
from db.users import get_user_by_username  # noqa: E402
from tests.factories import archive_input  # noqa: E402


def timed(label: str, fn, repeat: int = 20) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<32} median {statistics.median(times):8.1f} ms   "
          f"p95 {sorted(times)[int(repeat * 0.95) - 1]:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    start = time.perf_counter()
    with session_scope(url) as s:
        seed_demo(s, customers=args.customers)
    print(f"loaded {args.customers} archives in {time.perf_counter() - start:.1f} s ({url.split(':')[0]})")
    with session_scope(url) as s:
        manager = get_user_by_username(s, "manager")
        rep = get_user_by_username(s, "zhangwei")

    def page(actor, **kw):
        with session_scope(url) as s:
            list_customers(s, actor, CustomerFilter(**kw), page=3)

    timed("list page 3 (manager, all)", lambda: page(manager))
    timed("list page (rep, own only)", lambda: page(rep))
    timed("search name '好运来'", lambda: page(manager, search="好运来"))
    timed("search phone digits", lambda: page(manager, search="138"))
    timed("filter region+type", lambda: page(manager, province="广东", customer_type="餐饮终端"))

    def open_one():
        with session_scope(url) as s:
            get_customer(s, manager, 1)

    timed("open one archive", open_one)

    def file_one():
        with session_scope(url) as s:
            create_customer(s, rep, archive_input(), confirm_duplicates=False)

    timed("file a new archive (dup check)", file_one)


if __name__ == "__main__":
    main()
