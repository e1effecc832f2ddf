"""Cadence, due dates and overdue: the dates a rep and a manager see (domain/cadence.py)."""
import datetime as dt

import pytest

from domain.cadence import (
    ANY,
    DAY,
    MONTH,
    PHONE,
    VISIT,
    WEEK,
    CadenceError,
    Rule,
    add_months,
    check_rule,
    due_after,
    next_due,
    overdue_days,
)
from domain.followups import (
    FollowUpError,
    FollowUpInput,
    PlanInput,
    channels_of,
    check_follow_up,
    check_plan,
    plan_state,
)

D = dt.date


@pytest.mark.parametrize("day, months, expected", [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),    # month end clamps
    (D(2028, 1, 31), 1, D(2028, 2, 29)),    # leap year
    (D(2026, 12, 15), 1, D(2027, 1, 15)),   # over the year end
    (D(2026, 8, 31), 2, D(2026, 10, 31)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2027, 11, 30), 3, D(2028, 2, 29)),
])
def test_adding_months_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("rule, last, expected", [
    (Rule(ANY, 1, 1, WEEK), D(2026, 12, 28), D(2027, 1, 4)),      # weekly, over the year end
    (Rule(ANY, 1, 1, MONTH), D(2026, 1, 31), D(2026, 2, 28)),     # monthly from a month end
    (Rule(ANY, 1, 1, MONTH), D(2028, 1, 30), D(2028, 2, 29)),     # leap year
    (Rule(VISIT, 1, 2, MONTH), D(2026, 12, 31), D(2027, 2, 28)),  # 一级: every two months
    (Rule(ANY, 1, 1, DAY), D(2026, 2, 28), D(2026, 3, 1)),        # daily
    (Rule(ANY, 1, 15, DAY), D(2026, 2, 20), D(2026, 3, 7)),       # every 15 days
    (Rule(PHONE, 2, 1, WEEK), D(2026, 11, 30), D(2026, 12, 3)),   # two calls a week: every 3 days
    (Rule(VISIT, 4, 1, MONTH), D(2026, 11, 30), D(2026, 12, 7)),  # four visits a month: every 7 days
])
def test_due_after_a_contact(rule, last, expected):
    assert due_after(last, rule) == expected


def test_the_earliest_rule_counts_and_a_customer_never_contacted_is_due_from_its_creation():
    weekly_any, monthly_visit = Rule(ANY, 1, 1, WEEK, "重点客户"), Rule(VISIT, 1, 1, MONTH, "VIP")
    due = next_due([weekly_any, monthly_visit], {ANY: D(2026, 11, 20), VISIT: D(2026, 11, 1)}, since=D(2026, 1, 1))
    assert (due.day, due.reason()) == (D(2026, 11, 27), "重点客户：每周任意方式联系一次")
    due = next_due([weekly_any, monthly_visit], {ANY: D(2026, 11, 20), VISIT: D(2026, 10, 1)}, since=D(2026, 1, 1))
    assert (due.day, due.rule.source) == (D(2026, 11, 1), "VIP")  # the visit is the one overdue
    due = next_due([monthly_visit], {ANY: D(2026, 11, 20)}, since=D(2026, 6, 10))  # a call is not a visit
    assert due.day == D(2026, 7, 10)
    assert next_due([], {ANY: D(2026, 11, 20)}, since=D(2026, 1, 1)) is None  # no cadence for its classes


@pytest.mark.parametrize("due, today, days", [
    (D(2026, 12, 1), D(2026, 12, 2), 1), (D(2026, 12, 2), D(2026, 12, 2), 0), (D(2026, 12, 3), D(2026, 12, 2), 0),
    (D(2028, 2, 28), D(2028, 3, 1), 2), (None, D(2026, 12, 2), 0)])
def test_overdue_days(due, today, days):
    assert overdue_days(due, today) == days


def test_rules_describe_themselves_in_chinese():
    assert Rule(PHONE, 2, 1, WEEK).describe() == "每周电话至少 2 次"
    assert Rule(VISIT, 1, 2, MONTH).describe() == "每 2 个月登门拜访一次"


@pytest.mark.parametrize("args, message", [
    ((ANY, 1, 0, DAY), "不能为 0 天"), ((ANY, 0, 1, WEEK), "次数必须至少为 1"), ((ANY, 1, None, MONTH), "至少为 1"),
    (("fax", 1, 1, DAY), "联系方式"), ((ANY, 1, 1, "year"), "周期单位"), ((ANY, 3, 2, DAY), "最多安排 2 次"),
    ((ANY, 1, 400, DAY), "不能超过"),
])
def test_a_rule_that_cannot_be_kept_is_refused_in_chinese(args, message):
    with pytest.raises(CadenceError, match=message):
        check_rule(*args)


TODAY = D(2026, 12, 2)


@pytest.mark.parametrize("changes, field, message", [
    ({"day": None}, "day", "请填写跟进日期"),
    ({"day": D(2026, 12, 3)}, "day", "不能晚于今天"),
    ({"method": "飞鸽传书"}, "method", "请选择跟进方式"),
    ({"summary": "  "}, "summary", "一句话"),
    ({"next_date": D(2026, 11, 30)}, "next_date", "不能早于本次跟进日期"),
    ({"day": D(2026, 11, 20), "next_date": D(2026, 11, 30)}, "next_date", "不能早于今天"),
])
def test_a_follow_up_with_bad_input_says_what_and_where(changes, field, message):
    data = FollowUpInput(**{"day": D(2026, 12, 1), "method": "电话跟进", "summary": "约好下周送样", **changes})
    with pytest.raises(FollowUpError) as caught:
        check_follow_up(data, TODAY)
    assert message in caught.value.errors[field]


def test_plans_cannot_be_in_the_past_and_show_overdue_once_their_day_passed():
    with pytest.raises(FollowUpError, match="不能早于今天"):
        check_plan(PlanInput(day=D(2026, 12, 1), method="电话-常规"), TODAY)
    with pytest.raises(FollowUpError, match="回访方式"):
        check_plan(PlanInput(day=TODAY, method="随便"), TODAY)
    check_plan(PlanInput(day=TODAY, method="现场-核心"), TODAY)
    assert [plan_state("planned", D(2026, 12, 1), TODAY), plan_state("planned", TODAY, TODAY),
            plan_state("done", D(2026, 12, 1), TODAY)] == ["已逾期", "待回访", "已完成"]


def test_which_cadence_a_contact_counts_for():
    assert channels_of("直接登门") == {ANY, VISIT} and channels_of("邀约登门") == {ANY, VISIT}
    assert channels_of("电话跟进") == {ANY, PHONE} and channels_of("手机短信") == {ANY}


@pytest.mark.parametrize("zone, utc, day", [
    ("Asia/Shanghai", dt.datetime(2026, 12, 1, 16, 30), D(2026, 12, 2)),   # after 00:00 in Shanghai
    ("Asia/Shanghai", dt.datetime(2026, 12, 1, 15, 59), D(2026, 12, 1)),
    ("America/New_York", dt.datetime(2026, 3, 8, 4, 30), D(2026, 3, 7)),   # before the DST switch
    ("America/New_York", dt.datetime(2026, 3, 9, 3, 30), D(2026, 3, 8)),   # after it
])
def test_an_archive_filed_late_at_night_counts_from_the_teams_day(monkeypatch, zone, utc, day):
    from domain.formatting import local_date
    monkeypatch.setenv("KEDANG_TZ", zone)
    assert local_date(utc) == day
