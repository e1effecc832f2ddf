"""驾驶舱 aggregates against hand-counted answers on a small fixed data set (both databases)."""
import datetime as dt
from decimal import Decimal

import pytest

from db.archives import set_customer_active
from db.cadence import refresh_due
from db.dashboard_activity import (
    credit_usage,
    follow_ups_per_week,
    investment_vs_volume,
    sales_by_product,
    visits_per_week,
)
from db.dashboard_customers import completeness_and_staleness, customers_by, drill_down, headline, new_archives_by_month
from db.engine import session_scope
from db.followups import log_follow_up, plan_visits
from db.models import Customer
from db.models_followups import VisitPlan
from db.receivables import add_receivable, aging
from domain.dashboard import DashboardFilter, default_filter
from domain.followups import DONE, PLANNED, FollowUpInput, PlanInput
from domain.formatting import local_today
from domain.periods import WEEK, period_start
from domain.receivables import ReceivableInput
from tests.factories import class_value, make_customer, make_team, make_user

TODAY = local_today()
DAY = dt.timedelta(days=1)


def importance(s, code):
    value = class_value(s, "importance", code)
    return value.scheme_id, value.id


@pytest.fixture
def office(db):
    """张伟: 甲 (重点, 广东, 餐饮, overdue), 乙 (普通, 广东); 王芳: 丙 (重点, 四川, 商超); 李经理: 丁 (no class,
    deactivated). 张伟 has a visit and a call this week and one plan; 王芳 has no follow-ups."""
    with session_scope() as s:
        manager, rep, other = make_team(s)
        sid, key = importance(s, "key")
        _, normal = importance(s, "normal")
        a = make_customer(s, rep, name="甲", province="广东", customer_type="餐饮终端", classes={sid: key},
                          credit_limit=10000, investment=5,
                          sales=[{"product": "剑南春", 1: 10, 2: 20}], sales_year=TODAY.year)
        b = make_customer(s, rep, name="乙", province="广东", customer_type="企业", classes={sid: normal})
        c = make_customer(s, other, name="丙", province="四川", customer_type="商超终端", classes={sid: key})
        d = make_customer(s, manager, name="丁", province="四川", customer_type="企业")
        set_customer_active(s, manager, d.id, False, "停业")
        s.get(Customer, a.id).created_at -= dt.timedelta(days=30)
        refresh_due(s, [a.id])
        plan_visits(s, rep, [b.id], PlanInput(day=TODAY, method="现场-核心"))
        log_follow_up(s, rep, b.id, FollowUpInput(day=TODAY, method="直接登门", summary="拜访"))  # answers the plan
        log_follow_up(s, rep, b.id, FollowUpInput(day=TODAY, method="电话跟进", summary="电话"))
        add_receivable(s, rep, a.id, ReceivableInput(TODAY - 40 * DAY, Decimal(8000)))  # 账期 0: 40 days overdue
        return manager, rep, other, sid, {"甲": a.id, "乙": b.id, "丙": c.id, "丁": d.id}


def flt(**kw):
    return DashboardFilter(start=TODAY - 89 * DAY, end=TODAY, **kw)


def test_headline_numbers(office):
    manager, rep, other, sid, ids = office
    with session_scope() as s:
        h = headline(s, manager, flt(), TODAY)
        assert (h.active, h.inactive, h.new_in_range, h.overdue) == (3, 1, 4, 1)
        assert (h.visits_to_review, h.receivables_overdue, h.receivables_overdue_amount) == (1, 1, 8000.0)
        mine = headline(s, other, flt(), TODAY)  # 王芳 sees her one customer
        assert (mine.active, mine.inactive, mine.overdue, mine.visits_to_review) == (1, 0, 0, 0)


def test_customers_by_class_region_type_and_owner(office):
    manager, rep, other, sid, ids = office
    with session_scope() as s:
        by_class = customers_by(s, manager, flt(scheme_id=sid), "class")
        assert sorted(by_class) == [("普通客户", "", 1), ("重点客户", "", 2)]
        stacked = customers_by(s, manager, flt(scheme_id=sid), "class", stack_by_owner=True)
        assert sorted(stacked) == [("普通客户", "张伟", 1), ("重点客户", "张伟", 1), ("重点客户", "王芳", 1)]
        assert sorted(customers_by(s, manager, flt(), "province")) == [("四川", "", 1), ("广东", "", 2)]
        assert sorted(customers_by(s, manager, flt(province="广东"), "customer_type")) == [
            ("企业", "", 1), ("餐饮终端", "", 1)]
        assert customers_by(s, manager, flt(scheme_id=sid), "class", overdue_on=TODAY) == [("重点客户", "", 1)]
        assert customers_by(s, manager, flt(), "owner", overdue_on=TODAY) == [("张伟", "", 1)]
        assert customers_by(s, rep, flt(scheme_id=sid), "class", overdue_on=TODAY) == [("重点客户", "", 1)]
        assert customers_by(s, other, flt(), "owner", overdue_on=TODAY) == []  # a rep with nothing overdue
        drilled = drill_down(s, manager, flt(scheme_id=sid), "class", "重点客户")
        assert sorted(row[1] for row in drilled) == ["丙", "甲"]
        assert [row[1] for row in drill_down(s, manager, flt(scheme_id=sid), "class", "重点客户",
                                             overdue_on=TODAY)] == ["甲"]


def test_activity_per_week_and_a_rep_without_follow_ups(office):
    manager, rep, other, sid, ids = office
    this_week = period_start(TODAY, WEEK)
    with session_scope() as s:
        assert follow_ups_per_week(s, manager, flt(), TODAY) == [(this_week, "张伟", "电话跟进", 1),
                                                                 (this_week, "张伟", "直接登门", 1)]
        assert follow_ups_per_week(s, other, flt(), TODAY) == []
        weeks = visits_per_week(s, manager, flt(), TODAY)
        assert len(weeks) == 12 and weeks[-1].week == this_week
        assert (weeks[-1].planned, weeks[-1].done, weeks[-1].visits, weeks[-1].success_rate) == (1, 1, 1, 1.0)
        assert weeks[0].success_rate is None  # nothing planned: no rate, not 0 %


def test_money_sales_and_completeness(office):
    manager, rep, other, sid, ids = office
    with session_scope() as s:
        assert sales_by_product(s, manager, flt(), TODAY.year) == [("剑南春", 1, 10), ("剑南春", 2, 20)]
        assert sales_by_product(s, manager, flt(), TODAY.year - 1) == []
        assert investment_vs_volume(s, manager, flt(), TODAY.year) == [("甲", 5.0, 30)]
        assert credit_usage(s, manager, flt(), ) == [("甲", 8000.0, 10000.0)]
        buckets = {b.label: (b.count, b.outstanding) for b in aging(s, manager, TODAY, where=None)}
        assert buckets["31–60天"] == (1, Decimal("8000.00"))
        buckets, stale, total = completeness_and_staleness(s, manager, flt(), TODAY)
        assert sum(n for _, n in buckets) == total == 3 and stale == 0
        months = new_archives_by_month(s, manager, flt(), TODAY.replace(day=1) - 60 * DAY)
        assert sum(n for _, n in months) == 4


def test_an_empty_office_gives_zeros_not_errors(db):
    with session_scope() as s:
        admin = make_user(s, "admin")
        empty = default_filter(TODAY)
        h = headline(s, admin, empty, TODAY)
        assert (h.active, h.overdue, h.receivables_overdue_amount) == (0, 0, 0.0)
        assert customers_by(s, admin, empty, "province") == []
        assert follow_ups_per_week(s, admin, empty, TODAY) == []
        assert [w.planned for w in visits_per_week(s, admin, empty, TODAY)] == [0] * 12


def test_the_weekly_completion_counts_plans_as_the_report_does(office):
    """A plan due later this week counts once it is done (a visit made early), not while it is only
    planned — as the 工作报表 counts it — so mid-week the chart does not read low or high."""
    manager, rep, other, sid, ids = office
    monday = period_start(TODAY, WEEK) - dt.timedelta(weeks=1)  # a past Monday: the rest of its week is known
    customer_id = next(iter(ids.values()))
    with session_scope() as s:
        before = visits_per_week(s, manager, flt(), monday)[-1]
        s.add_all([VisitPlan(customer_id=customer_id, day=monday + dt.timedelta(days=3), method="现场-老顾客",
                             assignee_id=rep.id, status=DONE),       # done early
                   VisitPlan(customer_id=customer_id, day=monday + dt.timedelta(days=4), method="现场-老顾客",
                             assignee_id=rep.id, status=PLANNED)])   # not due yet on that Monday
    with session_scope() as s:
        week = visits_per_week(s, manager, flt(), monday)[-1]
        assert (week.planned - before.planned, week.done - before.done) == (1, 1)
