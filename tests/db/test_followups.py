"""Follow-ups, visit plans, cadence and 今日待办 against the real database (both engines)."""
import datetime as dt

import pytest
from sqlalchemy import select

from db.archives import set_customer_active
from db.audit import list_history
from db.cadence import refresh_due, set_escalate_after_days, set_rules
from db.complaints import log_complaint, resolve, start_handling
from db.engine import session_scope
from db.followup_queries import agenda, timeline
from db.followups import cancel_plan, log_follow_up, plan_visits, plans_to_answer, reschedule_plan, review_follow_up
from db.models import ClassMovement, ClassScheme, ClassValue, Contact, Customer
from db.models_followups import ContactStatus, VisitPlan
from domain.complaints import ComplaintInput
from domain.errors import ConflictError, PermissionDenied, UserFacingError
from domain.followups import FollowUpError, FollowUpInput, PlanInput
from domain.formatting import local_today
from tests.factories import make_customer, make_team, make_user

TODAY = local_today()
DAY = dt.timedelta(days=1)


def class_id(s, scheme_code, value_code):
    return s.scalar(select(ClassValue.id).join(ClassScheme).where(ClassScheme.code == scheme_code,
                                                                  ClassValue.code == value_code))


def scheme_id(s, code):
    return s.scalar(select(ClassScheme.id).where(ClassScheme.code == code))


def age(s, customer_id, days):
    """Pretend the archive was filed ``days`` ago (and never contacted since)."""
    s.get(Customer, customer_id).created_at -= dt.timedelta(days=days)
    refresh_due(s, [customer_id])


@pytest.fixture
def team(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        key = make_customer(s, rep, name="好运来大酒店",
                            classes={scheme_id(s, "importance"): class_id(s, "importance", "key")})
        age(s, key.id, 30)
        return manager, rep, other, key.id


def quick(day=TODAY, **extra):
    return FollowUpInput(day=day, method=extra.pop("method", "电话跟进"),
                         summary=extra.pop("summary", "客户要新品价格表"),
                         **extra)


def test_a_key_account_not_contacted_for_a_week_is_due_and_a_follow_up_clears_it(team):
    manager, rep, _, customer_id = team
    with session_scope() as s:
        status = s.get(ContactStatus, customer_id)
        assert status.next_due == TODAY - dt.timedelta(days=23) and "重点客户" in status.due_reason
        assert [c.name for c, _ in agenda(s, rep, TODAY).due.rows] == ["好运来大酒店"]
    with session_scope() as s:
        log_follow_up(s, rep, customer_id, quick(next_date=TODAY + 3 * DAY, next_step="送样品"))
    with session_scope() as s:
        status = s.get(ContactStatus, customer_id)
        assert (status.last_any, status.last_phone, status.next_due) == (TODAY, TODAY, TODAY + 7 * DAY)
        today = agenda(s, rep, TODAY)
        assert today.due.total == 0  # it left the overdue list
        plan = s.scalars(select(VisitPlan)).one()  # the next step became a plan on the rep's calendar
        assert (plan.day, plan.purpose, plan.assignee_id, plan.method) == (
            TODAY + 3 * DAY, "送样品", rep.id, "电话-常规")
        history = list_history(s, entity="customer", entity_id=customer_id)[0]
        assert history.action == "follow_up" and "电话跟进：客户要新品价格表" in history.changes[0]["new"]


def test_a_follow_up_answers_the_open_plan_and_a_later_plan_stays_open(team):
    _, rep, _, customer_id = team
    with session_scope() as s:
        plan_visits(s, rep, [customer_id], PlanInput(day=TODAY, method="现场-老顾客", purpose="对账"))
        plan_visits(s, rep, [customer_id], PlanInput(day=TODAY + 5 * DAY, method="电话-常规"))
        assert agenda(s, rep, TODAY).plans.total == 1
    with session_scope() as s:
        record = log_follow_up(s, rep, customer_id, quick(method="直接登门", summary="对完账，签了回款单"))
        record_id = record.id
    with session_scope() as s:
        plans = {p.day: p.status for p in s.scalars(select(VisitPlan))}
        assert plans == {TODAY: "done", TODAY + 5 * DAY: "planned"}
        assert agenda(s, rep, TODAY).plans.total == 0
        assert s.get(ContactStatus, customer_id).last_visit == TODAY
        assert timeline(s, customer_id).follow_ups[0].id == record_id


def test_the_class_after_the_contact_is_a_recorded_move(team):
    _, rep, _, customer_id = team
    with session_scope() as s:
        sid, normal = scheme_id(s, "importance"), class_id(s, "importance", "normal")
        log_follow_up(s, rep, customer_id, quick(summary="老板换人，进货量下降", classes={sid: normal}))
    with session_scope() as s:
        move = s.scalars(select(ClassMovement)).one()
        assert (move.to_value_id, move.reason) == (normal, "跟进记录：老板换人，进货量下降")
        changes = list_history(s, entity="customer", entity_id=customer_id)[0].changes
        assert {"field": "分类·重要性", "label": "分类·重要性", "old": "重点客户", "new": "普通客户"} in changes
        assert s.get(ContactStatus, customer_id).next_due == add_month(TODAY)  # now the monthly cadence


def add_month(day):
    from domain.cadence import add_months
    return add_months(day, 1)


@pytest.mark.parametrize("data, field", [
    (dict(day=TODAY + DAY), "day"), (dict(summary=""), "summary"),
    (dict(next_date=TODAY - DAY, day=TODAY - 3 * DAY), "next_date")])
def test_bad_input_is_refused_and_nothing_is_saved(team, data, field):
    _, rep, _, customer_id = team
    with pytest.raises(FollowUpError) as caught, session_scope() as s:
        log_follow_up(s, rep, customer_id, quick(**data))
    assert field in caught.value.errors
    with session_scope() as s:
        assert timeline(s, customer_id).follow_ups == [] and s.scalars(select(VisitPlan)).all() == []


def test_no_follow_up_on_a_deactivated_archive_or_on_someone_elses_customer(team):
    manager, rep, other, customer_id = team
    with pytest.raises(PermissionDenied), session_scope() as s:
        log_follow_up(s, other, customer_id, quick())
    with pytest.raises(PermissionDenied), session_scope() as s:
        plan_visits(s, other, [customer_id], PlanInput(day=TODAY, method="电话-常规"))
    with session_scope() as s:
        set_customer_active(s, manager, customer_id, False, "客户停业")
    with pytest.raises(UserFacingError, match="已停用"), session_scope() as s:
        log_follow_up(s, rep, customer_id, quick())
    with session_scope() as s:
        assert timeline(s, customer_id).follow_ups == []


def test_bulk_planning_is_all_or_none(team):
    _, rep, other, customer_id = team
    with session_scope() as s:
        others = make_customer(s, other, name="王芳的客户").id
    with pytest.raises(PermissionDenied), session_scope() as s:
        plan_visits(s, rep, [customer_id, others], PlanInput(day=TODAY + DAY, method="电话-常规"))
    with session_scope() as s:
        assert s.scalars(select(VisitPlan)).all() == []
        assert plan_visits(s, rep, [customer_id, customer_id], PlanInput(day=TODAY + DAY, method="电话-常规")) == 1


def test_rescheduling_and_cancelling_a_plan(team):
    _, rep, _, customer_id = team
    with session_scope() as s:
        plan_visits(s, rep, [customer_id], PlanInput(day=TODAY, method="电话-常规"))
        plan_id = s.scalars(select(VisitPlan.id)).one()
    with pytest.raises(UserFacingError, match="今天以前"), session_scope() as s:
        reschedule_plan(s, rep, plan_id, TODAY - DAY)
    with session_scope() as s:
        reschedule_plan(s, rep, plan_id, TODAY + 2 * DAY)
    with pytest.raises(UserFacingError, match="原因"), session_scope() as s:
        cancel_plan(s, rep, plan_id, " ")
    with session_scope() as s:
        cancel_plan(s, rep, plan_id, "客户出差")
    with pytest.raises(ConflictError), session_scope() as s:  # someone else's stale calendar
        reschedule_plan(s, rep, plan_id, TODAY + 3 * DAY)
    with session_scope() as s:
        plan = s.get(VisitPlan, plan_id)
        assert (plan.day, plan.status) == (TODAY + 2 * DAY, "cancelled")


def test_the_manager_reviews_visit_records_and_the_rep_reads_the_guidance(team):
    manager, rep, other, customer_id = team
    with session_scope() as s:
        visit = log_follow_up(s, rep, customer_id, quick(method="直接登门", summary="店庆活动谈妥")).id
        log_follow_up(s, rep, customer_id, quick(summary="电话确认送货时间"))
        log_follow_up(s, rep, customer_id, quick(day=TODAY - 31 * DAY, method="直接登门", summary="上上月的拜访"))
    with session_scope() as s:
        waiting = agenda(s, manager, TODAY).to_review
        assert [f.id for f, _, _ in waiting.rows] == [visit]  # recent visit records; calls are not reviewed
        assert agenda(s, other, TODAY).to_review.total == 0
    with pytest.raises(PermissionDenied), session_scope() as s:
        review_follow_up(s, other, visit, "我来审阅")
    with session_scope() as s:
        review_follow_up(s, manager, visit, "活动物料提前两天送到")
    with session_scope() as s:
        record = next(r for r in timeline(s, customer_id).follow_ups if r.id == visit)
        assert (record.review_comment, record.reviewed_by.name) == ("活动物料提前两天送到", "李经理")
        assert agenda(s, manager, TODAY).to_review.total == 0


def test_the_supervisor_is_told_after_the_escalation_days(team):
    manager, rep, other, customer_id = team
    with session_scope() as s:
        fresh = make_customer(s, other, classes={scheme_id(s, "importance"): class_id(s, "importance", "key")})
        age(s, fresh.id, 8)  # one day overdue: not yet escalated
        escalated = agenda(s, manager, TODAY).escalated
        assert [c.id for c, _, _ in escalated.rows] == [customer_id]
        with pytest.raises(UserFacingError, match="1 到 365"):
            set_escalate_after_days(s, make_user(s, "admin"), 0)
        with pytest.raises(PermissionDenied):
            set_escalate_after_days(s, manager, 1)
        set_escalate_after_days(s, make_user(s, "admin"), 1)
    with session_scope() as s:
        assert agenda(s, manager, TODAY).escalated.total == 2
        assert agenda(s, rep, TODAY).escalated.total == 0  # reps have no escalation list


def test_changing_a_class_cadence_moves_every_holders_due_date(team):
    _, rep, _, customer_id = team
    admin_user = None
    with session_scope() as s:
        admin_user = make_user(s, "admin")
        key = class_id(s, "importance", "key")
        with pytest.raises(UserFacingError, match="不能为 0 天"):
            set_rules(s, admin_user, key, [("any", 1, 0, "day")])
        with pytest.raises(PermissionDenied):
            set_rules(s, rep, key, [("any", 1, 60, "day")])
    with session_scope() as s:
        assert set_rules(s, admin_user, key, [("any", 1, 60, "day")]) == 1
    with session_scope() as s:
        assert s.get(ContactStatus, customer_id).next_due == TODAY + 30 * DAY
        set_rules(s, admin_user, key, [])
    with session_scope() as s:
        assert s.get(ContactStatus, customer_id).next_due is None  # no cadence: never overdue


def test_birthdays_of_key_contacts_this_week(team):
    _, rep, _, customer_id = team
    with session_scope() as s:
        in_three_days = TODAY + 3 * DAY
        s.add_all([Contact(customer_id=customer_id, name="刘总", birthday=in_three_days.replace(year=1975),
                           mobile_key="", phone_key=""),
                   Contact(customer_id=customer_id, name="赵会计", birthday=(TODAY + 9 * DAY).replace(year=1980),
                           mobile_key="", phone_key="")])
    with session_scope() as s:
        assert [c.name for c, _ in agenda(s, rep, TODAY).birthdays] == ["刘总"]


def test_board_cards_show_the_last_follow_up_and_the_overdue_mark(team):
    manager, rep, _, customer_id = team
    from db.archive_queries import CustomerFilter
    from db.board_queries import load_board

    def card():
        with session_scope() as s:
            columns = load_board(s, manager, scheme_id(s, "importance"), CustomerFilter())
            return next(c for column in columns for c in column.cards if c.id == customer_id)
    assert (card().last_contact, card().overdue_days) == (None, 23)
    with session_scope() as s:
        log_follow_up(s, rep, customer_id, quick(day=TODAY - DAY))
    assert (card().last_contact, card().overdue_days) == (TODAY - DAY, 0)


def test_the_list_filters_overdue_customers_for_a_bulk_plan(team):
    manager, rep, _, customer_id = team
    from db.archive_queries import CustomerFilter, list_customers, matching_ids
    with session_scope() as s:
        fresh = make_customer(s, rep, name="刚建档的客户").id
        overdue = CustomerFilter(overdue=True)
        assert [c.id for c in list_customers(s, rep, overdue).rows] == [customer_id]
        assert matching_ids(s, manager, CustomerFilter(), 500) == [fresh, customer_id]
        assert plan_visits(s, manager, matching_ids(s, manager, overdue, 500),
                           PlanInput(day=TODAY + DAY, method="现场-核心", assignee_id=rep.id)) == 1
    with session_scope() as s:
        plan = s.scalars(select(VisitPlan)).one()
        assert (plan.customer_id, plan.assignee_id, plan.created_by_id) == (customer_id, rep.id, manager.id)


def test_a_deactivated_archive_is_never_due_and_is_again_once_reactivated(team):
    manager, rep, _, customer_id = team
    with session_scope() as s:
        set_customer_active(s, manager, customer_id, False, "客户停业")
    with session_scope() as s:
        assert s.get(ContactStatus, customer_id).next_due is None
        assert agenda(s, rep, TODAY).due.total == 0
    with session_scope() as s:
        set_customer_active(s, manager, customer_id, True, "重新营业")
    with session_scope() as s:
        assert s.get(ContactStatus, customer_id).next_due == TODAY - 23 * DAY


def test_a_call_never_completes_an_on_site_plan_and_the_form_offers_return_visits_first(team):
    _, rep, _, customer_id = team
    with session_scope() as s:
        plan_visits(s, rep, [customer_id], PlanInput(day=TODAY, method="现场-老顾客", purpose="对账"))
        plan_visits(s, rep, [customer_id], PlanInput(day=TODAY + 3 * DAY, method="电话-常规"))
        complaint_id = log_complaint(s, rep, customer_id,
                                     ComplaintInput(TODAY, "电话", "产品质量", "一般", "瓶盖漏酒")).id
        start_handling(s, rep, complaint_id)
        resolve(s, rep, complaint_id, "换货", "我方责任", TODAY + 7 * DAY)
    with session_scope() as s:
        choices = plans_to_answer(s, rep, customer_id)
        assert [(c.method, c.return_visit) for c in choices] == [
            ("现场-问题处理", True), ("现场-老顾客", False), ("电话-常规", False)]
        assert log_follow_up(s, rep, customer_id, quick()).plan_id is None  # a call: no on-site plan
    with session_scope() as s:  # chosen explicitly, a plan due later is completed
        assert log_follow_up(s, rep, customer_id, quick(plan_id=choices[2].id)).plan_id == choices[2].id
    with pytest.raises(FollowUpError, match="电话跟进不能完成现场回访计划") as refused, session_scope() as s:
        log_follow_up(s, rep, customer_id, quick(plan_id=choices[1].id))
    assert list(refused.value.errors) == ["plan"]
    with session_scope() as s:
        assert {p.method: p.status for p in s.scalars(select(VisitPlan))} == {
            "现场-问题处理": "planned", "现场-老顾客": "planned", "电话-常规": "done"}
        assert len(timeline(s, customer_id).follow_ups) == 2  # the refused one saved nothing
