"""Which contact completes which visit plan, and the order the candidate plans are tried in (issue 21 item 1)."""
import datetime as dt
from types import SimpleNamespace

import pytest

from domain.followups import METHODS, PLAN_METHODS, FollowUpError, auto_plan, can_answer, check_answers, plan_order

TODAY = dt.date(2026, 3, 2)
ON_SITE = {"直接登门", "邀约登门"}

# plan method → the 跟进方式 that complete it (a call never completes an on-site plan)
ANSWERED_BY = {
    "电话-首次": ON_SITE | {"电话跟进"}, "电话-常规": ON_SITE | {"电话跟进"},
    "现场-核心": ON_SITE, "现场-新顾客": ON_SITE, "现场-老顾客": ON_SITE, "现场-问题处理": ON_SITE,
}


@pytest.mark.parametrize("plan_method", PLAN_METHODS)
@pytest.mark.parametrize("method", METHODS)
def test_which_contact_completes_which_plan(method, plan_method):
    assert can_answer(method, plan_method) == (method in ANSWERED_BY[plan_method])


def plan(id, day, method="现场-老顾客"):
    return SimpleNamespace(id=id, day=TODAY + dt.timedelta(days=day), method=method)


PLANS = [plan(1, -2, "电话-常规"), plan(2, -1), plan(3, 5, "现场-问题处理"), plan(4, 0, "电话-首次"), plan(5, 9)]


def test_complaint_return_visits_come_first_then_by_day():
    assert [p.id for p in plan_order(PLANS, {3})] == [3, 1, 2, 4, 5]


@pytest.mark.parametrize("method, return_visits, picked", [
    ("直接登门", {3}, 3),       # the complaint's return visit, five days early
    ("直接登门", set(), 1),     # otherwise the earliest due: a visit also does for a phone plan
    ("电话跟进", {3}, 1),       # a call skips the on-site plans
    ("手机短信", {3}, None),    # a text message completes no plan
])
def test_the_plan_a_contact_completes_when_left_to_auto(method, return_visits, picked):
    found = auto_plan(PLANS, method, TODAY, return_visits)
    assert (found.id if found else None) == picked


def test_a_plan_due_later_is_not_picked_automatically():
    assert auto_plan([plan(5, 9)], "直接登门", TODAY, set()) is None


def test_the_refusal_names_the_plan_and_the_way_out():
    check_answers("邀约登门", TODAY, "现场-问题处理", TODAY)
    with pytest.raises(FollowUpError) as refused:
        check_answers("电话跟进", dt.date(2026, 3, 5), "现场-问题处理", TODAY)
    assert refused.value.errors == {"plan": "电话跟进不能完成现场回访计划（3月5日 现场-问题处理），"
                                            "须直接登门或邀约登门："
                                            "请改选计划，或选择「不对应回访计划」"}
