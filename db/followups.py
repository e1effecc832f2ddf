"""Writing follow-ups (跟进记录), visit plans (回访计划) and reviews (审阅).

Each function is one unit of work inside the caller's session: it checks permission and input
(domain/), writes, records the archive's 历史 and refreshes the customer's cadence, all or nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.archive_queries import get_customer
from db.audit import list_history, record
from db.cadence import refresh_due
from db.classification import apply_classes
from db.models import ClassValue, Customer, User, utcnow
from db.models_followups import FollowUp, VisitPlan
from db.models_papers import Complaint
from db.volumes import check_not_frozen
from domain import permissions
from domain.errors import ConflictError, NotFound, PermissionDenied, UserFacingError
from domain.followups import (
    CANCELLED,
    CORRECTABLE,
    DONE,
    NO_PLAN,
    PLANNED,
    VISIT_METHODS,
    FollowUpInput,
    PlanInput,
    auto_plan,
    check_answers,
    check_correction,
    check_follow_up,
    check_plan,
    plan_order,
)
from domain.formatting import local_today
from domain.roles import SUPERVISORS


def _open_customer(session: Session, actor: permissions.Actor, customer_id: int) -> Customer:
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_follow_up(actor, customer):
        raise PermissionDenied("您只能为自己负责的客户记录跟进或安排回访")
    if not customer.is_active:
        raise UserFacingError(f"「{customer.name}」的档案已停用，不能再记录跟进或安排回访")
    return customer


def log_follow_up(session: Session, actor: permissions.Actor, customer_id: int, data: FollowUpInput) -> FollowUp:
    """Save a contact. It completes the visit plan ``data.plan_id`` (refused on the 「plan」 field if its
    method cannot answer that plan: domain/followups.can_answer), none for NO_PLAN, or for None the
    plan domain/followups.auto_plan picks (a complaint's return visit first). It books the next step
    as a plan, and applies a changed class with the record as its reason. Raises FollowUpError
    (field → message), PermissionDenied or UserFacingError."""
    customer = _open_customer(session, actor, customer_id)
    today = local_today()
    check_follow_up(data, today)
    check_not_frozen(session, actor, data.day)  # a backdated record in a closed year
    plan = _plan_answered(session, customer_id, data, today)
    follow_up = FollowUp(
        customer_id=customer_id, day=data.day, time=data.time, method=data.method, topic=data.topic or None,
        summary=data.summary.strip(), feedback=data.feedback.strip() or None,
        competitors=data.competitors.strip() or None, open_problems=data.open_problems.strip() or None,
        next_step=data.next_step.strip() or None, next_date=data.next_date,
        companions=data.companions.strip() or None, follower_id=actor.id, plan_id=plan.id if plan else None)
    session.add(follow_up)
    if plan is not None:
        plan.status = DONE
    changes = [{"field": "跟进记录", "label": "跟进记录", "old": None,
                "new": f"{data.day} {data.method}：{follow_up.summary}"}]
    if data.next_date is not None:
        session.add(VisitPlan(customer_id=customer_id, day=data.next_date, assignee_id=actor.id,
                              created_by_id=actor.id, status=PLANNED,
                              purpose=data.next_step.strip()[:200] or "下次跟进",
                              method="现场-老顾客" if data.method in VISIT_METHODS else "电话-常规"))
        changes.append({"field": "回访计划", "label": "下次跟进", "old": None,
                        "new": f"{data.next_date} {data.next_step.strip()}".strip()})
    changes += _class_changes(session, actor, customer, data.classes, follow_up.summary)
    session.flush()
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="follow_up",
           changes=changes)
    refresh_due(session, [customer_id])
    return follow_up


def _plan_answered(session: Session, customer_id: int, data: FollowUpInput, today: dt.date) -> VisitPlan | None:
    if data.plan_id == NO_PLAN:
        return None
    if data.plan_id is not None:
        plan = session.get(VisitPlan, data.plan_id)
        if plan is None or plan.customer_id != customer_id:
            raise NotFound("找不到这条回访计划")
        if plan.status != PLANNED:
            raise ConflictError("这条回访计划已经完成或取消了（可能刚被他人处理），请刷新后再试")
        check_answers(data.method, plan.day, plan.method, today)
        return plan
    plans = _open_plans(session, customer_id)
    return auto_plan(plans, data.method, data.day, _return_visits(session, plans))


def _open_plans(session: Session, customer_id: int) -> list[VisitPlan]:
    return list(session.scalars(select(VisitPlan).where(VisitPlan.customer_id == customer_id,
                                                        VisitPlan.status == PLANNED)))


def _return_visits(session: Session, plans: list[VisitPlan]) -> set[int]:
    """Which of ``plans`` are complaints' return visits (Complaint.return_plan_id)."""
    if not plans:
        return set()
    return set(session.scalars(select(Complaint.return_plan_id).where(
        Complaint.return_plan_id.in_([p.id for p in plans]))))


@dataclass(frozen=True)
class PlanChoice:
    """An open plan as the follow-up form offers it."""

    id: int
    day: dt.date
    method: str
    purpose: str | None
    return_visit: bool  # a complaint's return visit (投诉回访)


def plans_to_answer(session: Session, actor: permissions.Actor, customer_id: int) -> list[PlanChoice]:
    """The customer's open plans a contact could complete, in domain/followups.plan_order (complaint
    return visits first, then by day)."""
    get_customer(session, actor, customer_id)  # visibility
    plans = _open_plans(session, customer_id)
    returns = _return_visits(session, plans)
    return [PlanChoice(p.id, p.day, p.method, p.purpose, p.id in returns) for p in plan_order(plans, returns)]


def _class_changes(session: Session, actor: permissions.Actor, customer: Customer, chosen: dict[int, int],
                   summary: str) -> list[dict]:
    """等级推进结果: the class after the contact, when it differs, as a board move with the record as reason."""
    current = {c.scheme_id: c.value_id for c in customer.classes}
    wanted = {scheme_id: value_id for scheme_id, value_id in chosen.items() if current.get(scheme_id) != value_id}
    if not wanted:
        return []
    if not permissions.can_move_class(actor, customer):
        raise PermissionDenied("您无权调整这位客户的分类")
    values = {v.id: v for v in session.scalars(select(ClassValue).where(
        ClassValue.id.in_([*wanted.values(), *current.values()])))}
    if any(values.get(v) is None or values[v].scheme_id != s or values[v].is_retired for s, v in wanted.items()):
        raise UserFacingError("所选分类不存在或已停用")
    apply_classes(session, customer, wanted, actor_id=actor.id, reason=f"跟进记录：{summary[:60]}")
    customer.updated_at = utcnow()
    return [{"field": (label := f"分类·{values[value_id].scheme.name}"), "label": label,
             "old": values[current[scheme_id]].name if scheme_id in current else None,
             "new": values[value_id].name} for scheme_id, value_id in wanted.items()]


def plan_visits(session: Session, actor: permissions.Actor, customer_ids: Iterable[int], data: PlanInput) -> int:
    """Plan the same visit for one or many customers (批量安排), all or none; returns how many."""
    check_plan(data, local_today())
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        raise UserFacingError("请至少选择一位客户")
    assignee_id = data.assignee_id or actor.id
    if assignee_id != actor.id and actor.role not in SUPERVISORS:
        raise PermissionDenied("只有经理可以把回访安排给其他人")
    for customer_id in ids:
        customer = _open_customer(session, actor, customer_id)
        session.add(VisitPlan(customer_id=customer_id, day=data.day, method=data.method,
                              purpose=data.purpose.strip()[:200] or None, topic=data.topic.strip()[:100] or None,
                              assignee_id=assignee_id, created_by_id=actor.id, status=PLANNED))
        record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action="visit_plan",
               changes=[{"field": "回访计划", "label": "回访计划", "old": None,
                         "new": f"{data.day} {data.method} {data.purpose.strip()}".strip()}])
    session.flush()
    return len(ids)


def _open_plan(session: Session, actor: permissions.Actor, plan_id: int, expected_version: int | None) -> VisitPlan:
    plan = session.get(VisitPlan, plan_id)
    if plan is None:
        raise NotFound("找不到这条回访计划")
    _open_customer(session, actor, plan.customer_id)
    if plan.status != PLANNED:
        raise ConflictError("这条回访计划已经完成或取消了（可能刚被他人处理），日历已刷新")
    if expected_version is not None and plan.version != expected_version:
        raise ConflictError(f"这条回访计划刚刚被他人改过（现在是 {plan.day}），日历已刷新，请核对后再操作")
    return plan


def reschedule_plan(session: Session, actor: permissions.Actor, plan_id: int, day: dt.date, *,
                    expected_version: int | None = None) -> VisitPlan:
    """Move a planned visit to another day (dragging it in the calendar)."""
    plan = _open_plan(session, actor, plan_id, expected_version)
    if day < local_today():
        raise UserFacingError("不能把回访改到今天以前")
    old = plan.day
    if day != old:
        plan.day = day
        record(session, actor_id=actor.id, entity="customer", entity_id=plan.customer_id, action="visit_plan",
               reason="改期", changes=[{"field": "回访计划", "label": "回访日期", "old": str(old), "new": str(day)}])
    return plan


def cancel_plan(session: Session, actor: permissions.Actor, plan_id: int, reason: str, *,
                expected_version: int | None = None) -> VisitPlan:
    plan = _open_plan(session, actor, plan_id, expected_version)
    if not reason.strip():
        raise UserFacingError("取消回访计划请填写原因")
    plan.status = CANCELLED
    record(session, actor_id=actor.id, entity="customer", entity_id=plan.customer_id, action="visit_plan",
           reason=reason, changes=[{"field": "回访计划", "label": "回访计划",
                                    "old": f"{plan.day} {plan.method}", "new": "已取消"}])
    return plan


def review_follow_up(session: Session, actor: permissions.Actor, follow_up_id: int, comment: str) -> FollowUp:
    """A manager's 审阅意见 on a record; the follower sees it on the record."""
    follow_up = session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound("找不到这条跟进记录")
    follower = session.get(User, follow_up.follower_id) if follow_up.follower_id else None
    if not permissions.can_review_follow_up(actor, follow_up.follower_id, follower.supervisor_id if follower else None):
        raise PermissionDenied("只有跟进人的上级可以审阅这条记录")
    if not comment.strip():
        raise UserFacingError("请填写审阅意见")
    old = follow_up.review_comment
    follow_up.review_comment, follow_up.reviewed_by_id, follow_up.reviewed_at = comment.strip(), actor.id, utcnow()
    record(session, actor_id=actor.id, entity="customer", entity_id=follow_up.customer_id, action="follow_up_review",
           changes=[{"field": "审阅意见", "label": f"审阅意见（{follow_up.day} 跟进）", "old": old,
                     "new": follow_up.review_comment, "record": follow_up.id}])
    return follow_up


def correct_follow_up(session: Session, actor: permissions.Actor, follow_up_id: int, values: dict[str, str], *,
                      reason: str, expected_version: int) -> FollowUp:
    """更正 a record's words with a reason. Refused (ConflictError, naming who did what) if the record
    changed since the user opened it at ``expected_version``; the user's text stays in the form."""
    follow_up = session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound("找不到这条跟进记录")
    customer = get_customer(session, actor, follow_up.customer_id)
    follower = session.get(User, follow_up.follower_id) if follow_up.follower_id else None
    if not permissions.can_correct_follow_up(actor, follow_up.follower_id, follower.supervisor_id if follower else None,
                                             follow_up.reviewed_at is not None):
        raise PermissionDenied("只有跟进人本人（上级审阅之前）或其上级可以更正这条记录")
    clean = check_correction(values, reason)
    if follow_up.version != expected_version:
        raise ConflictError(_changed_meanwhile(session, follow_up, expected_version))
    check_not_frozen(session, actor, follow_up.day)
    changes = [{"field": name, "label": f"{CORRECTABLE[name]}（{follow_up.day} 跟进）",
                "old": getattr(follow_up, name), "new": new, "record": follow_up.id}
               for name, new in clean.items() if getattr(follow_up, name) != new]
    if not changes:
        raise UserFacingError("没有任何改动，无需保存")
    for change in changes:
        setattr(follow_up, change["field"], change["new"])
    session.flush()  # the version check: a save that raced this one makes it a StaleDataError
    record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action="follow_up_correct",
           reason=reason.strip(), changes=changes)
    return follow_up


def _changed_meanwhile(session: Session, follow_up: FollowUp, expected_version: int) -> str:
    """Chinese: who changed the record since the user opened it, and what."""
    about_it = [e for e in list_history(session, entity="customer", entity_id=follow_up.customer_id)
                if any(c.get("record") == follow_up.id for c in e.changes)]
    events = about_it[: max(1, follow_up.version - expected_version)]
    done = []
    for event in events:
        who = event.actor.name if event.actor else "系统"
        if event.action == "follow_up_review":
            done.append(f"{who} 审阅了它")
        else:
            done.append(f"{who} 更正了 " + "、".join(CORRECTABLE.get(c["field"], c["label"]) for c in event.changes))
    return ("保存失败：您打开这条跟进记录后，" + "；".join(done or ["其他人已修改过它"])
            + "。您填写的内容仍保留在表单中，请核对最新内容后重新更正。")
