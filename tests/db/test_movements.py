"""分类变动: movements counted per week/month in the team's time zone, and the drill-down list."""
import datetime as dt

import pytest
from sqlalchemy import select

from db.archive_queries import CustomerFilter
from db.engine import session_scope
from db.models import ClassMovement, ClassScheme
from db.movements import Flow, movement_flows, movements_in
from domain.periods import MONTH, WEEK
from tests.factories import make_customer, make_team


@pytest.fixture(autouse=True)
def in_shanghai(monkeypatch):
    monkeypatch.setenv("KEDANG_TZ", "Asia/Shanghai")  # the times below are chosen around Shanghai's midnight


@pytest.fixture
def log(db):
    """Four logged moves in 价值等级 at chosen UTC times, two of them by the other rep's customer."""
    with session_scope() as s:
        manager, rep, other = make_team(s)
        scheme = s.scalars(select(ClassScheme).where(ClassScheme.code == "value")).one()
        g = {v.code: v.id for v in scheme.values}
        mine = make_customer(s, rep, name="好运来")
        theirs = make_customer(s, other, name="大发超市")
        for customer, old, new, at, reason in [
            (mine, g["B"], g["A"], dt.datetime(2026, 11, 10, 2), "签了协议"),
            (theirs, g["B"], g["A"], dt.datetime(2026, 11, 12, 9), None),
            # Sunday 17:00 UTC is Monday 01:00 in Shanghai: it belongs to the week of 11-23
            (mine, g["A"], g["C"], dt.datetime(2026, 11, 22, 17), "销量下滑"),
            (theirs, g["A"], None, dt.datetime(2026, 10, 30, 3), "分类清空"),
        ]:
            s.add(ClassMovement(customer_id=customer.id, scheme_id=scheme.id, from_value_id=old, to_value_id=new,
                                actor_id=manager.id, at=at, reason=reason))
    return manager, rep, scheme.id


def test_moves_are_counted_per_week_in_the_team_time_zone(log):
    manager, rep, scheme_id = log
    with session_scope() as s:
        weeks = movement_flows(s, manager, scheme_id, CustomerFilter(), dt.date(2026, 11, 1), WEEK)
        months = movement_flows(s, manager, scheme_id, CustomerFilter(), dt.date(2026, 10, 1), MONTH)
        own = movement_flows(s, rep, scheme_id, CustomerFilter(), dt.date(2026, 10, 1), MONTH)
    assert weeks == [Flow(dt.date(2026, 11, 9), "B 优质", "A 战略合作", 2),
                     Flow(dt.date(2026, 11, 23), "A 战略合作", "C 培养型", 1)]
    assert months == [Flow(dt.date(2026, 10, 1), "A 战略合作", "未分类", 1),
                      Flow(dt.date(2026, 11, 1), "A 战略合作", "C 培养型", 1),
                      Flow(dt.date(2026, 11, 1), "B 优质", "A 战略合作", 2)]
    assert sum(f.count for f in own) == 2  # a rep counts only their own customers' moves


def test_drill_down_lists_the_moves_behind_a_bar(log):
    manager, rep, scheme_id = log
    with session_scope() as s:
        rows = movements_in(s, manager, scheme_id, CustomerFilter(), dt.date(2026, 11, 9), WEEK, "A 战略合作")
        week_23 = movements_in(s, manager, scheme_id, CustomerFilter(), dt.date(2026, 11, 23), WEEK)
        own = movements_in(s, rep, scheme_id, CustomerFilter(), dt.date(2026, 11, 9), WEEK)
    assert [(r.name, r.from_name, r.to_name, r.actor, r.reason) for r in rows] == [
        ("大发超市", "B 优质", "A 战略合作", "李经理", ""), ("好运来", "B 优质", "A 战略合作", "李经理", "签了协议")]
    assert [(r.name, r.reason) for r in week_23] == [("好运来", "销量下滑")]
    assert [r.name for r in own] == ["好运来"]
