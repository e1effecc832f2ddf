"""Reports and cached reads run in read-only units of work (session_scope(read_only=True)): they see
every committed save, never wait for a save in progress (on SQLite every other unit of work takes
the write lock up front), and cannot write by mistake."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from db.models import Customer
from tests.factories import make_customer, make_team


def test_a_read_does_not_wait_for_a_save_in_progress_and_sees_only_what_was_committed(db):
    with session_scope() as s:
        _, rep, _ = make_team(s)
        rep_id = make_customer(s, rep, name="已保存的客户").owner_id
    saving, read_done = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def slow_save():  # holds its transaction (and on SQLite the write lock) until the read is done
        with session_scope() as s:
            make_customer(s, s.get(type(rep), rep_id), name="保存中的客户")
            s.flush()
            saving.set()
            outcome["read finished while the save was open"] = read_done.wait(timeout=20)

    writer = threading.Thread(target=slow_save)
    writer.start()
    assert saving.wait(timeout=20)
    with session_scope(read_only=True) as s:
        outcome["customers seen"] = s.scalar(select(func.count()).select_from(Customer))
    read_done.set()
    writer.join()
    assert outcome == {"customers seen": 1, "read finished while the save was open": True}
    with session_scope(read_only=True) as s:
        assert s.scalar(select(func.count()).select_from(Customer)) == 2  # the save, once committed


def test_a_read_only_unit_of_work_refuses_to_write(db):
    with session_scope() as s:
        _, rep, _ = make_team(s)
    with pytest.raises(RuntimeError, match="read-only"):
        with session_scope(read_only=True) as s:
            make_customer(s, s.get(type(rep), rep.id), name="不该保存的客户")
    with session_scope(read_only=True) as s:
        assert s.scalar(select(func.count()).select_from(Customer)) == 0
