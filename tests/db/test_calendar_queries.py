"""The calendar's items for a range: plans, records and due dates, filters, per-day sums."""
import datetime as dt

import pytest
from sqlalchemy import select

from db.calendar_queries import CalendarFilter, calendar_items
from db.engine import session_scope
from db.followups import log_follow_up, plan_visits, reschedule_plan
from db.models import Customer
from db.models_followups import VisitPlan
from domain.errors import ConflictError
from domain.followups import FollowUpInput, PlanInput
from domain.formatting import local_today
from tests.factories import class_value, make_customer, make_team

TODAY = local_today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def month(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        key = class_value(s, "importance", "key")
        mine = make_customer(s, rep, name="甲客户", classes={key.scheme_id: key.id})
        theirs = make_customer(s, other, name="乙客户")
        plan_visits(s, rep, [mine.id], PlanInput(day=TODAY + 2 * DAY, method="电话-常规"))
        plan_visits(s, other, [theirs.id], PlanInput(day=TODAY + 3 * DAY, method="现场-核心"))
        log_follow_up(s, rep, mine.id, FollowUpInput(day=TODAY - DAY, method="直接登门", summary="拜访",
                                                     time=dt.time(14, 30)))
        return manager, rep, other, key.id


def titles(actor, flt=CalendarFilter(), start=TODAY - 7 * DAY, end=TODAY + 30 * DAY):
    with session_scope() as s:
        return sorted((i.kind, i.day, i.title) for i in calendar_items(s, actor, start, end, flt, TODAY))


def test_a_rep_sees_own_plans_records_and_due_dates(month):
    manager, rep, other, key = month
    assert titles(rep) == [("due", TODAY + 6 * DAY, "应跟进·甲客户"),  # weekly cadence after yesterday's visit
                           ("follow_up", TODAY - DAY, "直接登门·甲客户"),
                           ("plan", TODAY + 2 * DAY, "回访·甲客户（电话-常规）")]
    assert [t[2] for t in titles(other)] == ["回访·乙客户（现场-核心）"]


def test_the_manager_filters_by_rep_and_class_and_only_the_range_is_read(month):
    manager, rep, other, key = month
    assert len(titles(manager)) == 4
    assert [t[2] for t in titles(manager, CalendarFilter(rep_id=other.id))] == ["回访·乙客户（现场-核心）"]
    assert all("甲客户" in t[2] for t in titles(manager, CalendarFilter(class_value_id=key)))
    assert titles(manager, start=TODAY + 3 * DAY, end=TODAY + 4 * DAY) == [
        ("plan", TODAY + 3 * DAY, "回访·乙客户（现场-核心）")]
    with session_scope() as s:  # a deactivated customer leaves the calendar
        s.get(Customer, (s.scalar(select(Customer.id).where(Customer.name == "乙客户")))).is_active = False
    assert [t[2] for t in titles(manager)] == ["应跟进·甲客户", "直接登门·甲客户", "回访·甲客户（电话-常规）"]


def test_busy_ranges_are_summed_per_day(month, monkeypatch):
    manager, rep, other, key = month
    monkeypatch.setattr("domain.calendar.DETAIL_LIMIT", 1)
    with session_scope() as s:
        plan_visits(s, other, [s.scalar(select(Customer.id).where(Customer.name == "乙客户"))],
                    PlanInput(day=TODAY + 3 * DAY, method="电话-常规"))
    assert ("count", TODAY + 3 * DAY, "回访计划 2 条") in titles(manager)
    assert ("count", TODAY + 2 * DAY, "回访计划 1 条") in titles(manager)


def test_an_overdue_plan_is_its_own_kind(month):
    manager, rep, other, key = month
    with session_scope() as s:
        from db.models_followups import VisitPlan
        s.scalars(select(VisitPlan).where(VisitPlan.assignee_id == rep.id)).one().day = TODAY - 2 * DAY
    assert ("overdue", TODAY - 2 * DAY, "回访·甲客户（电话-常规）") in titles(rep)


def test_dragging_a_plan_someone_has_just_moved_is_refused(month):
    """The calendar carries each plan's version: a drag made on a stale calendar does not overwrite."""
    manager, rep, other, key = month
    with session_scope() as s:
        item = next(i for i in calendar_items(s, rep, TODAY, TODAY + 30 * DAY, CalendarFilter(), TODAY)
                    if i.kind == "plan")
    with session_scope() as s:  # the manager moves it first
        reschedule_plan(s, manager, int(item.key), TODAY + 5 * DAY)
    with pytest.raises(ConflictError, match="刚刚被他人改过"):
        with session_scope() as s:
            reschedule_plan(s, rep, int(item.key), TODAY + 9 * DAY, expected_version=item.version)
    with session_scope() as s:
        assert s.get(VisitPlan, int(item.key)).day == TODAY + 5 * DAY
