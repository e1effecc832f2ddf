"""Visit reports against hand-counted data: planned vs done, visits, methods, open problems, scope."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.engine import session_scope
from db.followups import cancel_plan, log_follow_up, plan_visits, review_follow_up
from db.models_followups import VisitPlan
from db.reports import rep_report, team_members, team_stats
from domain.errors import PermissionDenied
from domain.followups import FollowUpInput, PlanInput
from domain.formatting import local_today
from domain.periods import WEEK, next_period, period_start
from domain.workbooks import tables_workbook
from tests.factories import make_customer, make_team, make_user

TODAY = local_today()


@pytest.fixture
def week(db):
    """张伟: 3 plans this week (one done, one cancelled), a visit with an open problem, a call;
    王芳: nothing at all."""
    with session_scope() as s:
        manager, rep, other = make_team(s)
        a, b = make_customer(s, rep, name="甲客户").id, make_customer(s, rep, name="乙客户").id
        for customer in (a, b, b):
            plan_visits(s, rep, [customer], PlanInput(day=TODAY, method="现场-核心"))
        plans = s.scalars(select(VisitPlan.id).order_by(VisitPlan.id)).all()
        cancel_plan(s, rep, plans[2], "客户出差")
        visit = log_follow_up(s, rep, a, FollowUpInput(day=TODAY, method="直接登门", summary="谈妥新品进场",
                                                       open_problems="堆头费未定", plan_id=plans[0]))
        log_follow_up(s, rep, a, FollowUpInput(day=TODAY, method="电话跟进", summary="确认到货"))  # b's plan stays open
        review_follow_up(s, manager, visit.id, "堆头费本周内定下")
        return manager, rep, other


def test_team_stats_count_what_each_rep_did(week):
    manager, rep, other = week
    start = period_start(TODAY, WEEK)
    with session_scope() as s:
        people = team_members(s, manager)
        assert [p.name for p in people] == ["李经理", "张伟", "王芳"]  # the manager first, then the team
        stats = {row.name: row for row in team_stats(s, people, start, next_period(start, WEEK))}
    zhang = stats["张伟"]
    assert (zhang.planned, zhang.completed, zhang.completion_rate) == (2, 1, 0.5)  # the cancelled plan is not counted
    assert (zhang.visits, zhang.follow_ups, zhang.customers, zhang.reviewed) == (1, 2, 1, 1)
    assert (zhang.by_method["直接登门"], zhang.by_method["电话跟进"], zhang.by_method["手机短信"]) == (1, 1, 0)
    assert (stats["王芳"].planned, stats["王芳"].follow_ups, stats["王芳"].completion_rate) == (0, 0, None)


def test_a_rep_reads_their_own_report_only(week):
    manager, rep, other = week
    start = period_start(TODAY, WEEK)
    with session_scope() as s:
        report = rep_report(s, rep, rep.id, start, next_period(start, WEEK))
        assert report.open_problems == [(TODAY, "甲客户", "堆头费未定")]
        assert [r[2] for r in report.records] == ["直接登门", "电话跟进"]
        assert [p.name for p in team_members(s, rep)] == ["张伟"]
        with pytest.raises(PermissionDenied):
            rep_report(s, other, rep.id, start, next_period(start, WEEK))
        outsider = make_user(s, "manager", name="别组经理")
        with pytest.raises(PermissionDenied):  # a manager of another team
            rep_report(s, outsider, rep.id, start, next_period(start, WEEK))
        yesterday = rep_report(s, manager, rep.id, TODAY - dt.timedelta(days=1), TODAY)
        assert (yesterday.stats.follow_ups, yesterday.records) == (0, [])


def test_the_report_workbook_has_a_sheet_per_table_and_defuses_formulas():
    content = tables_workbook("张伟 · 周报", [("汇总", ["人员", "跟进合计"], [("张伟", 2)]),
                                              ("遗留问题", ["客户", "遗留问题"], [("甲", "=HYPERLINK(\"x\")")])])
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["汇总", "遗留问题"]
    assert [[c.value for c in row] for row in book["汇总"].iter_rows()] == [["张伟 · 周报", None], ["人员", "跟进合计"], ["张伟", 2]]
    assert book["遗留问题"]["B3"].value == "'=HYPERLINK(\"x\")"
