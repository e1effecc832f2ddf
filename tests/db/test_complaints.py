"""投诉 through its states — closed only after an on-site return visit (a call never completes it, a
visit completes it first, a stuck one is re-booked) — and 折价 approval."""
import datetime as dt
from decimal import Decimal

import pytest

from db.audit import list_history
from db.complaints import (
    ReturnVisit,
    close,
    customer_tab,
    decide_discount,
    log_complaint,
    open_for_handler,
    rebook_return_visit,
    request_discount,
    resolve,
    start_handling,
    summary,
)
from db.engine import session_scope
from db.followups import cancel_plan, log_follow_up
from db.models_followups import FollowUp, VisitPlan
from db.models_papers import Complaint
from domain import complaints as C
from domain.errors import PermissionDenied, UserFacingError
from domain.followups import NO_PLAN, FollowUpError, FollowUpInput
from domain.formatting import local_today
from tests.factories import make_customer, make_team, make_user

TODAY = local_today()


@pytest.fixture
def case(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        service = make_user(s, "service", name="客服")
        customer_id = make_customer(s, rep, name="投诉的客户").id
        return manager, rep, service, customer_id


def _complaint(actor, customer_id, **changes):
    data = C.ComplaintInput(**{**dict(day=TODAY, channel="电话", category="配送物流", severity="较重",
                                      content="送货晚了三天，客户要求说明"), **changes})
    with session_scope() as s:
        return log_complaint(s, actor, customer_id, data).id


def test_a_complaint_from_log_to_return_visit(case):
    manager, rep, _, customer_id = case
    complaint_id = _complaint(rep, customer_id)
    with session_scope() as s:
        assert [c.id for c, _ in open_for_handler(s, rep)] == [complaint_id]  # the owner handles it by default
        start_handling(s, rep, complaint_id)
    with session_scope() as s:
        resolve(s, rep, complaint_id, "补发并致歉", "第三方（物流等）")
        plan = s.get(VisitPlan, s.get(Complaint, complaint_id).return_plan_id)
        assert (plan.method, plan.day, plan.assignee_id) == ("现场-问题处理", TODAY + dt.timedelta(days=7), rep.id)
        plan_id = plan.id
    with pytest.raises(C.ComplaintError, match="现场回访后才能结案"):
        with session_scope() as s:
            close(s, rep, complaint_id, "满意")
    with session_scope() as s:  # a phone call does not count
        log_follow_up(s, rep, customer_id, FollowUpInput(day=TODAY, method="电话跟进", summary="电话问候"))
    with pytest.raises(C.ComplaintError, match="现场回访后才能结案"):
        with session_scope() as s:
            close(s, rep, complaint_id, "满意")
    with session_scope() as s:
        log_follow_up(s, rep, customer_id, FollowUpInput(day=TODAY, method="直接登门", summary="上门回访，客户认可处理",
                                                          plan_id=plan_id))
    with session_scope() as s:
        close(s, rep, complaint_id, "满意")
    with session_scope() as s:
        complaint = s.get(Complaint, complaint_id)
        assert (complaint.state, complaint.satisfaction) == (C.CLOSED, "满意")
        steps = [e.changes[0]["new"] for e in list_history(s, entity="customer", entity_id=customer_id)
                 if e.action in ("complaint", "complaint_step")]
        assert steps[0] == "已回访，客户满意" and steps[-1].startswith(f"{TODAY} 配送物流（较重）")
        assert open_for_handler(s, rep) == []


def test_no_skipping_and_a_stale_click_is_refused(case):
    _, rep, _, customer_id = case
    complaint_id = _complaint(rep, customer_id)
    with pytest.raises(UserFacingError, match="不能直接改为「已解决」"):
        with session_scope() as s:
            resolve(s, rep, complaint_id, "处理了", "我方责任")
    with session_scope() as s:
        start_handling(s, rep, complaint_id)
    with pytest.raises(UserFacingError, match="不能直接改为「处理中」"):  # a second click from an old page
        with session_scope() as s:
            start_handling(s, rep, complaint_id)


def test_who_may_log_and_handle(case):
    manager, rep, service, customer_id = case
    with session_scope() as s:
        stranger = make_user(s, "rep")
    with pytest.raises(PermissionDenied):
        _complaint(stranger, customer_id)
    complaint_id = _complaint(manager, customer_id, channel="上门")
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            start_handling(s, stranger, complaint_id)


def test_the_dashboard_summary_counts_unfinished_complaints_in_view(case):
    manager, rep, _, customer_id = case
    _complaint(rep, customer_id, day=TODAY - dt.timedelta(days=10), category="产品质量")
    _complaint(rep, customer_id, category="产品质量")
    with session_scope() as s:
        result = summary(s, manager)
        assert (result.open, result.oldest_days, result.average_days, result.by_category) == (
            2, 10, 5.0, {"产品质量": 2})
        assert summary(s, make_user(s, "rep")).open == 0


def test_a_discount_is_approved_by_a_manager_never_its_requester(case):
    manager, rep, _, customer_id = case
    with session_scope() as s:
        discount_id = request_discount(s, rep, customer_id, C.DiscountInput("折价", Decimal("500"), "配送延误补偿")).id
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            decide_discount(s, rep, discount_id, True)
    with session_scope() as s:
        own = request_discount(s, manager, customer_id, C.DiscountInput("让利", Decimal("800"), "年终让利")).id
    with pytest.raises(PermissionDenied, match="不能审批自己"):
        with session_scope() as s:
            decide_discount(s, manager, own, True)
    with session_scope() as s:
        decide_discount(s, manager, discount_id, True, "同意")
    with pytest.raises(UserFacingError, match="已是「已批准」"):
        with session_scope() as s:
            decide_discount(s, manager, discount_id, False, "改主意")


# --- the return visit (issue 21 item 1): only a visit completes it, early or late, and a stuck one is re-booked

def _resolved(rep, customer_id, on=TODAY):
    """A complaint resolved with its on-site return visit booked ``on``; (complaint id, plan id)."""
    complaint_id = _complaint(rep, customer_id)
    with session_scope() as s:
        start_handling(s, rep, complaint_id)
    with session_scope() as s:
        return complaint_id, resolve(s, rep, complaint_id, "补发并致歉", "我方责任", on).return_plan_id


def _log(rep, customer_id, method, **extra):
    with session_scope() as s:
        record = log_follow_up(s, rep, customer_id, FollowUpInput(day=TODAY, method=method, summary=method, **extra))
        return record.plan_id


def _plan_status(plan_id):
    with session_scope() as s:
        return s.get(VisitPlan, plan_id).status


def test_a_phone_call_leaves_the_return_visit_open_and_the_visit_after_it_closes_the_complaint(case):
    _, rep, _, customer_id = case
    complaint_id, plan_id = _resolved(rep, customer_id, on=TODAY)  # due today: a call used to complete it
    assert _log(rep, customer_id, "电话跟进") is None
    assert _plan_status(plan_id) == "planned"
    assert _log(rep, customer_id, "直接登门") == plan_id
    with session_scope() as s:
        close(s, rep, complaint_id, "满意")
    with session_scope() as s:
        assert s.get(Complaint, complaint_id).state == C.CLOSED


def test_a_visit_before_the_return_visits_day_answers_it_before_an_overdue_plan(case):
    _, rep, _, customer_id = case
    with session_scope() as s:  # an overdue on-site plan of the same customer
        s.add(VisitPlan(customer_id=customer_id, day=TODAY - dt.timedelta(days=3), method="现场-新顾客",
                        assignee_id=rep.id, created_by_id=rep.id, status="planned"))
    complaint_id, plan_id = _resolved(rep, customer_id, on=TODAY + dt.timedelta(days=5))
    assert _log(rep, customer_id, "邀约登门") == plan_id  # the rep visited early
    with session_scope() as s:
        close(s, rep, complaint_id, "非常满意")
        assert s.get(Complaint, complaint_id).state == C.CLOSED


def test_a_phone_call_chosen_for_the_return_visit_is_refused_on_the_plan_field(case):
    _, rep, _, customer_id = case
    day = TODAY + dt.timedelta(days=2)
    complaint_id, plan_id = _resolved(rep, customer_id, on=day)
    with pytest.raises(FollowUpError) as refused:
        _log(rep, customer_id, "电话跟进", plan_id=plan_id)
    assert refused.value.errors == {"plan": f"电话跟进不能完成现场回访计划（{day.month}月{day.day}日 现场-问题处理），"
                                            "须直接登门或邀约登门：请改选计划，或选择「不对应回访计划」"}
    assert _plan_status(plan_id) == "planned"
    assert _log(rep, customer_id, "直接登门", plan_id=NO_PLAN) is None  # 「不对应回访计划」
    assert _plan_status(plan_id) == "planned"


def test_a_complaint_whose_return_visit_was_completed_by_a_call_is_rebooked_and_then_closed(case):
    _, rep, _, customer_id = case
    complaint_id, plan_id = _resolved(rep, customer_id)
    with session_scope() as s:  # data from before calls were refused: the plan done by a phone call
        s.get(VisitPlan, plan_id).status = "done"
        s.add(FollowUp(customer_id=customer_id, day=TODAY, method="电话跟进", summary="电话回访", follower_id=rep.id,
                       plan_id=plan_id))
    with session_scope() as s:
        assert customer_tab(s, customer_id)[1][complaint_id] == ReturnVisit(done=False, waiting=False, day=TODAY)
    with pytest.raises(C.ComplaintError, match="现场回访后才能结案"):
        with session_scope() as s:
            close(s, rep, complaint_id, "满意")
    with session_scope() as s:
        rebook_return_visit(s, rep, complaint_id, TODAY + dt.timedelta(days=1))
    with pytest.raises(UserFacingError, match="已安排在"):  # once is enough
        with session_scope() as s:
            rebook_return_visit(s, rep, complaint_id)
    with session_scope() as s:
        new_plan = s.get(Complaint, complaint_id).return_plan_id
        assert new_plan != plan_id and s.get(VisitPlan, new_plan).method == "现场-问题处理"
        assert list_history(s, entity="customer", entity_id=customer_id)[0].reason == "原回访计划未经登门完成或已取消"
    assert _log(rep, customer_id, "直接登门") == new_plan
    with session_scope() as s:
        close(s, rep, complaint_id, "满意")


def test_a_cancelled_return_visit_is_rebooked_by_the_handler_only(case):
    _, rep, _, customer_id = case
    complaint_id, plan_id = _resolved(rep, customer_id)
    with session_scope() as s:
        cancel_plan(s, rep, plan_id, "客户出差")
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            rebook_return_visit(s, make_user(s, "rep"), complaint_id)
    with session_scope() as s:
        rebook_return_visit(s, rep, complaint_id)
        assert customer_tab(s, customer_id)[1][complaint_id].waiting
