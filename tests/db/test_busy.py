"""PostgreSQL's own refusals (issue 9 §2): a deadlock (40P01) ends as a Chinese message with the whole unit
rolled back, and jobs retry it. SQLite cannot deadlock: every write transaction takes the write lock up
front (db/engine.py), which tests/db/test_concurrent_writers.py exercises."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import update

from db.engine import get_engine, retrying, session_scope
from db.models import Customer
from domain.errors import BusyError
from tests.factories import make_customer, make_team


@pytest.fixture()
def two_customers(db):
    if get_engine().dialect.name == "sqlite":
        pytest.skip("SQLite 写事务一开始就取得写锁，不会死锁")
    with session_scope() as s:
        _, rep, _ = make_team(s)
        return make_customer(s, rep, address="原地址").id, make_customer(s, rep, address="原地址").id


def crossing_writes(first: int, second: int, barrier: threading.Barrier, address: str, session) -> None:
    """Write ``first``, wait for the other writer to hold ``second``, then write ``second``: a deadlock."""
    session.execute(update(Customer).where(Customer.id == first).values(address=address))
    barrier.wait(timeout=30)
    session.execute(update(Customer).where(Customer.id == second).values(address=address))


def run_both(a, b) -> list[object]:
    outcomes: list[object] = [None, None]

    def run(index, work):
        try:
            work()
            outcomes[index] = "ok"
        except Exception as exc:  # noqa: BLE001 - the outcome is the finding
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate((a, b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_a_deadlock_is_a_chinese_message_and_nothing_half_saved(two_customers):
    a, b = two_customers
    barrier = threading.Barrier(2)

    def writer(first, second, address):
        def work():
            with session_scope() as s:
                crossing_writes(first, second, barrier, address, s)
        return work

    outcomes = run_both(writer(a, b, "甲的地址"), writer(b, a, "乙的地址"))
    assert outcomes.count("ok") == 1
    error = next(o for o in outcomes if o != "ok")
    assert isinstance(error, BusyError) and "数据库正忙" in str(error) and "没有保存" in str(error)
    winner = "甲的地址" if outcomes[0] == "ok" else "乙的地址"
    with session_scope() as s:  # the loser's first write was rolled back with the rest of its unit
        assert [s.get(Customer, a).address, s.get(Customer, b).address] == [winner, winner]


def test_a_job_retries_a_deadlock_until_it_lands(two_customers):
    a, b = two_customers
    barrier, attempts = threading.Barrier(2), []

    def job(first, second, address):
        def work(session):
            attempts.append(address)
            if attempts.count(address) == 1:  # only the first attempt crosses the other writer
                crossing_writes(first, second, barrier, address, session)
            else:
                session.execute(update(Customer).where(Customer.id.in_([first, second])).values(address=address))
        return lambda: retrying(work)

    assert run_both(job(a, b, "甲的地址"), job(b, a, "乙的地址")) == ["ok", "ok"]
    assert len(attempts) == 3  # one of the two was refused once and ran again
    retried = next(address for address in ("甲的地址", "乙的地址") if attempts.count(address) == 2)
    with session_scope() as s:
        assert [s.get(Customer, a).address, s.get(Customer, b).address] == [retried, retried]
