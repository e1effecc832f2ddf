"""db/bulk.insert_rows: what a Core insert would store, on both databases (COPY on PostgreSQL) — the
Python-side defaults the rows leave out, JSON with Chinese text, NULLs and dates."""
import datetime as dt

from sqlalchemy import select

from db.bulk import insert_rows
from db.engine import session_scope
from db.models import AuditEvent


def test_rows_read_back_as_a_core_insert_would_store_them(db):
    rows = [{"entity": "customer", "entity_id": n, "action": "import_create", "reason": reason,
             "changes": changes, "version": None}
            for n, (reason, changes) in enumerate([
                ("由导入「客户.xlsx」创建",
                 [{"field": "name", "label": "客户名称", "old": None, "new": "鼓楼烟酒店\t1号"}]),
                (None, []),
                ("引号 \" 反斜杠 \\ 换行\n", [{"field": "notes", "label": "备注", "old": "a", "new": None}])])]
    with session_scope() as s:
        insert_rows(s, AuditEvent.__table__, rows)
        insert_rows(s, AuditEvent.__table__, [])
    with session_scope() as s:
        stored = s.scalars(select(AuditEvent).order_by(AuditEvent.entity_id)).all()
        assert [(e.entity_id, e.reason, e.changes) for e in stored] == [
            (n, r["reason"], r["changes"]) for n, r in enumerate(rows)]
        assert all(isinstance(e.at, dt.datetime) and e.id for e in stored)  # at: the column's default (utcnow)
        assert stored[0].changes[0]["new"] == "鼓楼烟酒店\t1号"


def test_rows_are_part_of_the_callers_transaction(db):
    """A refused import rolls back: rows inserted by the fast path (COPY, SQLite's executemany) go with it."""
    import pytest

    with pytest.raises(RuntimeError):
        with session_scope() as s:
            insert_rows(s, AuditEvent.__table__, [{"entity": "customer", "entity_id": 1, "action": "import_create",
                                                   "reason": "回滚", "changes": [], "version": None}])
            raise RuntimeError("the import was refused after its rows were written")
    with session_scope() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.reason == "回滚")).all() == []
