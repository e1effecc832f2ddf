"""投诉 and 折价/让利: logging, moving a complaint through its states (with its return visit), and
discount requests with their approval. Each write records the customer's history in the caller's
transaction; the rules are domain/complaints.py."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from db import visibility
from db.archive_queries import get_customer
from db.audit import record
from db.models import Customer, User, utcnow
from db.models_followups import FollowUp, VisitPlan
from db.models_papers import Complaint, Discount
from db.volumes import check_not_frozen
from domain import complaints as C
from domain import permissions
from domain import roles as R
from domain.errors import ConflictError, NotFound, PermissionDenied
from domain.followups import DONE, PLANNED, VISIT_METHODS
from domain.formatting import local_today


def log_complaint(session: Session, actor: permissions.Actor, customer_id: int, data: C.ComplaintInput) -> Complaint:
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_follow_up(actor, customer):
        raise PermissionDenied("您无权为这位客户登记投诉")
    C.check_complaint(data, local_today())
    check_not_frozen(session, actor, data.day)
    handler_id = data.handler_id or customer.owner_id or actor.id
    handler = session.get(User, handler_id)
    if handler is None or not handler.is_active:
        raise NotFound("找不到指定的处理人（或已停用）")
    complaint = Complaint(customer_id=customer_id, day=data.day, channel=data.channel, category=data.category,
                          severity=data.severity, content=data.content.strip(), handler_id=handler_id,
                          state=C.OPEN, created_by_id=actor.id)
    session.add(complaint)
    session.flush()
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="complaint",
           changes=[{"field": "投诉", "label": "投诉", "old": None,
                     "new": f"{data.day} {data.category}（{data.severity}）：{data.content.strip()[:100]}"}])
    return complaint


def _open(session: Session, actor: permissions.Actor, complaint_id: int, wanted: str | None) -> Complaint:
    """The complaint ``actor`` may handle; ``wanted``: the state it is to move to next (checked)."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound("找不到这条投诉")
    get_customer(session, actor, complaint.customer_id)  # visibility
    if not permissions.can_handle_complaint(actor, complaint.handler_id):
        raise PermissionDenied("只有处理人、客服或经理可以处理这条投诉")
    if wanted is not None:
        C.check_step(complaint.state, wanted)
    return complaint


def _save(session: Session, complaint: Complaint, actor: permissions.Actor, wanted: str, note: str,
          reason: str | None = None) -> Complaint:
    before = complaint.state
    complaint.state = wanted
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError("这条投诉刚刚被他人处理过，页面已刷新，请核对后再操作") from None
    record(session, actor_id=actor.id, entity="customer", entity_id=complaint.customer_id, action="complaint_step",
           reason=reason, changes=[{"field": "投诉", "label": f"投诉（{complaint.category}）",
                                    "old": C.STATE_LABELS[before], "new": f"{C.STATE_LABELS[wanted]}{note}"}])
    return complaint


def start_handling(session: Session, actor: permissions.Actor, complaint_id: int, note: str = "") -> Complaint:
    complaint = _open(session, actor, complaint_id, C.HANDLING)
    return _save(session, complaint, actor, C.HANDLING, "", note.strip() or None)


def resolve(session: Session, actor: permissions.Actor, complaint_id: int, resolution: str,
            responsibility: str, return_visit_on: dt.date | None = None) -> Complaint:
    """已解决: the result and 责任鉴定; books the on-site return visit for the handler."""
    complaint = _open(session, actor, complaint_id, C.RESOLVED)
    C.check_resolution(resolution, responsibility)
    day = _book_return_visit(session, actor, complaint, return_visit_on)
    complaint.resolution, complaint.responsibility = resolution.strip(), responsibility
    complaint.resolved_at = utcnow()
    return _save(session, complaint, actor, C.RESOLVED, f"，{responsibility}，{day} 现场回访", resolution.strip())


def _book_return_visit(session: Session, actor: permissions.Actor, complaint: Complaint,
                       day: dt.date | None) -> dt.date:
    """A new 现场-问题处理 plan for the handler on ``day`` (default: in a week), as the complaint's return visit."""
    today = local_today()
    day = day or today + dt.timedelta(days=C.RETURN_VISIT_WITHIN_DAYS)
    if day < today:
        raise C.ComplaintError({"return_visit": "回访日期不能早于今天"})
    plan = VisitPlan(customer_id=complaint.customer_id, day=day, method=C.RETURN_VISIT_METHOD,
                     purpose=f"投诉回访：{complaint.category}", topic="投诉处理",
                     assignee_id=complaint.handler_id or actor.id, created_by_id=actor.id, status=PLANNED)
    session.add(plan)
    session.flush()
    complaint.return_plan_id = plan.id
    return day


@dataclass(frozen=True)
class ReturnVisit:
    """Where a resolved complaint's return visit stands: ``done`` (its plan answered on site: it may
    close), ``waiting`` (its plan still open, on ``day``), or neither — the plan was completed without
    a visit (a phone call, before calls were refused) or cancelled, and the handler re-books it
    (rebook_return_visit)."""

    done: bool
    waiting: bool
    day: dt.date | None


def return_visit(session: Session, complaint: Complaint) -> ReturnVisit:
    plan = session.get(VisitPlan, complaint.return_plan_id) if complaint.return_plan_id else None
    if plan is None:
        return ReturnVisit(False, False, None)
    done = plan.status == DONE and session.scalar(select(func.count(FollowUp.id)).where(
        FollowUp.plan_id == plan.id, FollowUp.method.in_(VISIT_METHODS))) > 0
    return ReturnVisit(done, plan.status == PLANNED, plan.day)


def return_visit_done(session: Session, complaint: Complaint) -> bool:
    """Its return-visit plan was answered by a follow-up on site (直接登门/邀约登门)."""
    return return_visit(session, complaint).done


def rebook_return_visit(session: Session, actor: permissions.Actor, complaint_id: int,
                        day: dt.date | None = None) -> Complaint:
    """「重新安排回访」, the way out for a complaint stuck at 已解决: its return-visit plan can no longer
    be answered by a visit (completed by a phone call before calls were refused, or cancelled), so it
    gets a new 现场-问题处理 plan and closes after that visit. Refused while its plan is open or once
    the visit is done."""
    complaint = _open(session, actor, complaint_id, None)
    if complaint.state != C.RESOLVED:
        raise ConflictError(f"这条投诉现在是「{C.STATE_LABELS[complaint.state]}」，无需重新安排回访（页面已刷新）")
    now = return_visit(session, complaint)
    if now.done or now.waiting:
        raise ConflictError("这条投诉的现场回访"
                            + ("已经完成，可以结案" if now.done else f"已安排在 {now.day}，无需重新安排")
                            + "（页面已刷新）")
    day = _book_return_visit(session, actor, complaint, day)
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError("这条投诉刚刚被他人处理过，页面已刷新，请核对后再操作") from None
    record(session, actor_id=actor.id, entity="customer", entity_id=complaint.customer_id, action="complaint_step",
           reason="原回访计划未经登门完成或已取消",
           changes=[{"field": "投诉", "label": f"投诉（{complaint.category}）",
                     "old": "已解决，待现场回访", "new": f"重新安排 {day} 现场回访"}])
    return complaint


def close(session: Session, actor: permissions.Actor, complaint_id: int, satisfaction: str) -> Complaint:
    """已回访: only after the on-site return visit, with the customer's satisfaction."""
    complaint = _open(session, actor, complaint_id, C.CLOSED)
    C.check_close(satisfaction, return_visit_done(session, complaint))
    complaint.satisfaction, complaint.closed_at = satisfaction, utcnow()
    return _save(session, complaint, actor, C.CLOSED, f"，客户{satisfaction}")


def for_customer(session: Session, customer_id: int) -> list[Complaint]:
    return list(session.scalars(select(Complaint).options(joinedload(Complaint.handler))
                                .where(Complaint.customer_id == customer_id)
                                .order_by(Complaint.day.desc(), Complaint.id.desc())))


def open_for_handler(session: Session, actor: permissions.Actor) -> list[tuple[Complaint, Customer]]:
    """今日待办: the complaints ``actor`` handles that are not closed yet, oldest first."""
    return [tuple(row) for row in session.execute(
        select(Complaint, Customer).join(Customer, Customer.id == Complaint.customer_id)
        .where(Complaint.handler_id == actor.id, Complaint.state.in_(C.UNFINISHED))
        .order_by(Complaint.day, Complaint.id).limit(50))]


@dataclass
class ComplaintSummary:
    open: int
    oldest_days: int
    average_days: float
    by_category: dict[str, int]


def summary(session: Session, actor: permissions.Actor, today: dt.date | None = None,
            where: ColumnElement[bool] | None = None) -> ComplaintSummary:
    """驾驶舱: unfinished complaints on customers ``actor`` may see (within ``where``, the dashboard's
    filter) — count, age, by category."""
    today = today or local_today()
    scope = visibility.visible_customers(actor) if where is None else where
    rows = session.execute(select(Complaint.category, Complaint.day)
                           .join(Customer, Customer.id == Complaint.customer_id)
                           .where(Complaint.state.in_(C.UNFINISHED), scope)).all()
    ages = [C.age_days(day, today) for _, day in rows]
    by_category: dict[str, int] = {}
    for category, _ in rows:
        by_category[category] = by_category.get(category, 0) + 1
    return ComplaintSummary(len(rows), max(ages, default=0), round(sum(ages) / len(ages), 1) if ages else 0.0,
                            by_category)


# --- 折价/让利 ------------------------------------------------------------------------------------

def request_discount(session: Session, actor: permissions.Actor, customer_id: int, data: C.DiscountInput) -> Discount:
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_follow_up(actor, customer):
        raise PermissionDenied("您无权为这位客户申请折价")
    C.check_discount(data)
    if data.complaint_id is not None:
        complaint = session.get(Complaint, data.complaint_id)
        if complaint is None or complaint.customer_id != customer_id:
            raise NotFound("找不到关联的投诉")
    discount = Discount(customer_id=customer_id, kind=data.kind, amount=data.amount, reason=data.reason.strip(),
                        complaint_id=data.complaint_id, state=C.PENDING, requested_by_id=actor.id)
    session.add(discount)
    session.flush()
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="discount_request",
           reason=data.reason,
           changes=[{"field": "折价", "label": data.kind, "old": None, "new": f"{data.amount} 元 待审批"}])
    return discount


def decide_discount(session: Session, actor: permissions.Actor, discount_id: int, approve: bool,
                    comment: str = "") -> Discount:
    discount = session.get(Discount, discount_id)
    if discount is None:
        raise NotFound("找不到这条折价申请")
    get_customer(session, actor, discount.customer_id)
    if discount.requested_by_id == actor.id:
        raise PermissionDenied("不能审批自己提交的折价申请")
    if not permissions.can_decide_discount(actor, discount.requested_by_id):
        raise PermissionDenied("折价/让利须由经理审批")
    if discount.state != C.PENDING:
        raise ConflictError(f"这条申请已是「{C.DISCOUNT_STATES[discount.state]}」，不能再审批")
    if not approve and not comment.strip():
        raise C.ComplaintError({"comment": "拒绝时请写明原因"})
    discount.state = C.APPROVED if approve else C.REFUSED
    discount.decided_by_id, discount.decided_at, discount.comment = actor.id, utcnow(), comment.strip() or None
    record(session, actor_id=actor.id, entity="customer", entity_id=discount.customer_id,
           action="discount_approve" if approve else "discount_refuse", reason=comment or None,
           changes=[{"field": "折价", "label": discount.kind, "old": f"{discount.amount} 元 待审批",
                     "new": C.DISCOUNT_STATES[discount.state]}])
    return discount


def discounts_for(session: Session, customer_id: int) -> list[Discount]:
    return list(session.scalars(select(Discount)
                                .options(joinedload(Discount.requested_by), joinedload(Discount.decided_by))
                                .where(Discount.customer_id == customer_id).order_by(Discount.id.desc())))


def customer_tab(session: Session, customer_id: int
                 ) -> tuple[list[Complaint], dict[int, ReturnVisit], list[Discount], dict[int, str]]:
    """What the archive's 投诉与折价 tab shows: the complaints, where each resolved one's return visit
    stands, the discount requests, and the active staff by id (the possible handlers)."""
    complaints = for_customer(session, customer_id)
    visits = {c.id: return_visit(session, c) for c in complaints if c.state == C.RESOLVED}
    staff = dict(session.execute(select(User.id, User.name).where(User.is_active.is_(True))).all())
    return complaints, visits, discounts_for(session, customer_id), staff


def discounts_to_decide(session: Session, actor: permissions.Actor) -> list[tuple[Discount, Customer]]:
    if actor.role not in R.SUPERVISORS:
        return []
    return [tuple(row) for row in session.execute(
        select(Discount, Customer).join(Customer, Customer.id == Discount.customer_id)
        .options(joinedload(Discount.requested_by), joinedload(Discount.decided_by))
        .where(Discount.state == C.PENDING, Discount.requested_by_id != actor.id, visibility.visible_customers(actor))
        .order_by(Discount.id))]
