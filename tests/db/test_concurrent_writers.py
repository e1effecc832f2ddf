"""Eight people filing archives at once: every write lands, numbers never repeat, nobody sees
"database is locked" (SQLite takes the write lock up front; PostgreSQL locks the sequence row)."""
import threading

from sqlalchemy import func, select

from db.engine import session_scope
from db.models import Customer
from tests.factories import make_customer, make_team

WRITERS, EACH = 8, 100


def test_eight_writers_file_eight_hundred_archives(db):
    with session_scope() as s:
        _, rep, _ = make_team(s)
    start, errors = threading.Barrier(WRITERS), []

    def writer(n: int) -> None:
        start.wait()
        for i in range(EACH):
            try:
                with session_scope() as s:  # reads the 档案号 sequence, then writes it and the archive
                    make_customer(s, rep, name=f"并发客户{n}-{i}", province="广东")
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                errors.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope() as s:
        numbers = list(s.scalars(select(Customer.archive_no)))
        assert s.scalar(select(func.count(Customer.id))) == WRITERS * EACH
    assert len(set(numbers)) == WRITERS * EACH
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, WRITERS * EACH + 1))
