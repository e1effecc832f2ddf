"""查阅记录: opening an archive is logged once per half hour; managers search reads and exports."""
import datetime as dt

import pytest
from sqlalchemy import select

from db.archives import record_card_export
from db.engine import session_scope
from db.models_access import ReadEvent
from db.read_log import record_read, search
from domain.errors import PermissionDenied
from domain.formatting import local_today
from tests.factories import make_customer, make_team

TODAY = local_today()


def test_reads_are_logged_once_per_half_hour_and_searchable_with_exports(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        customer = make_customer(s, rep, name="好运来大酒店")
        assert record_read(s, rep, customer.id) is True
        assert record_read(s, rep, customer.id) is False  # opened again a moment later
        assert record_read(s, manager, customer.id) is True
        record_card_export(s, rep, customer.id)
    with session_scope() as s:
        s.scalars(select(ReadEvent).where(ReadEvent.user_id == rep.id)).one().at -= dt.timedelta(minutes=31)
        assert record_read(s, rep, customer.id) is True  # half an hour later: a new entry
    with session_scope() as s:
        rows = search(s, manager, start=TODAY, end=TODAY)
        assert sorted((r.who, r.what) for r in rows) == [("张伟", "下载资料卡"), ("张伟", "打开档案"),
                                                         ("张伟", "打开档案"), ("李经理", "打开档案")]
        assert {r.customer for r in rows} == {f"好运来大酒店（{customer.archive_no}）"}
        assert [r.who for r in search(s, manager, start=TODAY, end=TODAY, user_id=manager.id)] == ["李经理"]
        assert search(s, manager, start=TODAY, end=TODAY, customer_text="别的客户") == []
        assert search(s, manager, start=TODAY - dt.timedelta(days=7), end=TODAY - dt.timedelta(days=1)) == []
        with pytest.raises(PermissionDenied):
            search(s, rep, start=TODAY, end=TODAY)
