"""Visit reports against hand-counted data: planned vs done, visits, methods, open problems, scope."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.engine import session_scope
from db.followups import cancel_plan, log_follow_up, plan_visits, review_follow_up
from db.models_followups import VisitPlan
from db.reports import rep_report, report_workbook, team_members, team_stats, team_workbook
from domain.errors import PermissionDenied
from domain.followups import DONE, PLANNED, FollowUpInput, PlanInput
from domain.formatting import local_today
from domain.periods import MONTH, WEEK, next_period, period_label, period_start
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
    assert [[c.value for c in row] for row in book["汇总"].iter_rows()] == [
        ["张伟 · 周报", None], ["人员", "跟进合计"], ["张伟", 2]]
    assert book["遗留问题"]["B3"].value == "'=HYPERLINK(\"x\")"


@pytest.fixture
def november(db):
    """张伟's November 2026, seen on the 15th: plans on the 3rd (done), 10th (missed) and 15th (open),
    one on the 20th already done early, and 26 later in the month not yet due."""
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        customer = make_customer(s, rep).id
        days = [3, 10, 15, 20] + [d for d in range(16, 31) for _ in range(2)][:26]
        for n, day in enumerate(days):
            s.add(VisitPlan(customer_id=customer, day=dt.date(2026, 11, day), method="现场-核心", assignee_id=rep.id,
                            created_by_id=rep.id, status=DONE if n in (0, 3) else PLANNED))
        return manager, rep


def test_mid_month_the_rate_counts_only_plans_already_due(november):
    manager, rep = november
    with session_scope() as s:
        report = rep_report(s, manager, rep.id, dt.date(2026, 11, 1), dt.date(2026, 12, 1), today=dt.date(2026, 11, 15))
        after = rep_report(s, manager, rep.id, dt.date(2026, 11, 1), dt.date(2026, 12, 1), today=dt.date(2026, 12, 5))
    stats = report.stats  # not 2 of 30 (7%): 3rd, 10th, 15th and the early 20th were due or done
    assert (stats.planned, stats.completed, stats.upcoming, stats.completion_rate) == (4, 2, 26, 0.5)
    assert (after.stats.planned, after.stats.completed, after.stats.upcoming) == (30, 2, 0)  # the month is over


def test_the_workbook_rate_is_a_number_formatted_as_a_percentage(november):
    manager, rep = november
    with session_scope() as s:
        report = rep_report(s, manager, rep.id, dt.date(2026, 11, 1), dt.date(2026, 12, 1), today=dt.date(2026, 11, 15))
        team = team_stats(s, team_members(s, manager), dt.date(2026, 11, 1), dt.date(2026, 12, 1),
                          today=dt.date(2026, 11, 15))
    sheet = load_workbook(io.BytesIO(report_workbook("张伟 · 月报 · 2026年11月", report)))["汇总"]
    headers = [c.value for c in sheet[2]]
    rate = sheet.cell(row=3, column=headers.index("完成率") + 1)
    assert (rate.value, rate.number_format) == (0.5, "0%")
    assert sheet.cell(row=3, column=headers.index("待到期") + 1).value == 26
    team_sheet = load_workbook(io.BytesIO(team_workbook("团队拜访报表", team)))["团队"]
    rates = {row[0].value: row[headers.index("完成率")] for row in team_sheet.iter_rows(min_row=3)}
    assert (rates["张伟"].value, rates["张伟"].number_format) == (0.5, "0%")
    assert rates["李经理"].value is None  # nothing planned: an empty cell, not "—" or 0%


@pytest.mark.parametrize("start, kind, label", [
    (dt.date(2026, 11, 30), WEEK, "2026-11-30 当周"),
    (dt.date(2025, 12, 29), WEEK, "2025-12-29 当周"),  # the week that crosses the year is named by its Monday
    (dt.date(2026, 11, 1), MONTH, "2026年11月"),
])
def test_a_report_period_is_labelled_with_its_year(start, kind, label):
    assert period_label(start, kind) == label
