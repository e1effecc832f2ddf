"""离职交接 (departure handover): everything a leaving user holds moves in one confirmed step, and a
check lists anything still held by a disabled user — so nothing leaves with a salesperson.

``hand_over`` is one transaction: each customer to its new owner (or to the shared pool, owner
None), the open visit plans with their customers, the user disabled (their sessions end), and every
moved archive's 历史 saying so.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.audit import record
from db.models import Customer, User, utcnow
from db.models_access import AccessGrant
from db.models_followups import FollowUp, Receivable, VisitPlan
from db.users import set_user_active
from domain import access, permissions
from domain.errors import NotFound, PermissionDenied, UserFacingError
from domain.followups import PLANNED
from domain.formatting import local_today
from domain.roles import MANAGER, REP

POOL = 0  # the target "公海": the customer keeps no owner until someone claims it


@dataclass
class Holdings:
    user: User
    customers: list[tuple[int, str, str, bool]]  # (id, name, 档案号, active)
    open_plans: int
    unreviewed: int           # their follow-ups still without 审阅意见
    receivables: int          # open receivables of their customers
    outstanding: float
    loans: int = 0            # their 借阅 requests and loans still open (ended by the handover)


def holdings(session: Session, actor: permissions.Actor, user_id: int) -> Holdings:
    leaving = session.get(User, user_id)
    if leaving is None:
        raise NotFound("找不到这位用户")
    if not permissions.can_hand_over(actor, leaving):
        raise PermissionDenied("您只能为自己团队的成员办理离职交接")
    customers = [tuple(row) for row in session.execute(
        select(Customer.id, Customer.name, Customer.archive_no, Customer.is_active)
        .where(Customer.owner_id == user_id, Customer.deleted_at.is_(None))
        .order_by(Customer.is_active.desc(), Customer.name))]
    plans = session.scalar(select(func.count()).select_from(VisitPlan)
                           .where(VisitPlan.assignee_id == user_id, VisitPlan.status == PLANNED)) or 0
    unreviewed = session.scalar(select(func.count()).select_from(FollowUp)
                                .where(FollowUp.follower_id == user_id, FollowUp.reviewed_at.is_(None))) or 0
    count, owed = session.execute(select(func.count(), func.sum(Receivable.amount - Receivable.paid))
                                  .join(Customer, Customer.id == Receivable.customer_id)
                                  .where(Customer.owner_id == user_id, Receivable.paid < Receivable.amount)).one()
    loans = session.scalar(select(func.count()).select_from(AccessGrant).where(_open_loans(user_id))) or 0
    return Holdings(leaving, customers, plans, unreviewed, count, float(owed or 0), loans)


def _open_loans(user_id: int):
    return (AccessGrant.user_id == user_id) & AccessGrant.state.in_((access.PENDING, access.APPROVED))


def receivers(session: Session, leaving_id: int) -> list[User]:
    """Who can take customers over: active reps and managers other than the one leaving."""
    return list(session.scalars(select(User).where(User.is_active.is_(True), User.id != leaving_id,
                                                   User.role.in_((REP, MANAGER))).order_by(User.name)))


def hand_over(session: Session, actor: permissions.Actor, leaving_id: int, targets: dict[int, int], *,
              reason: str, disable: bool = True) -> dict[str, int]:
    """Move each of the leaving user's customers to ``targets[customer id]`` (a user id, or POOL) and
    their open plans along with the customers; disable the user. All or nothing."""
    held = holdings(session, actor, leaving_id)
    if not reason.strip():
        raise UserFacingError("请填写交接原因（如：张伟 2026-12 离职）")
    ids = {cid for cid, *_ in held.customers}
    if set(targets) != ids:
        raise UserFacingError("每一位客户都要指定接手人（或转入公海）：交接名单已变化，请刷新后重试")
    people = {u.id: u for u in receivers(session, leaving_id)}
    if bad := {t for t in targets.values() if t != POOL and t not in people}:
        raise UserFacingError(f"接手人无效或已停用（用户编号 {', '.join(map(str, sorted(bad)))}）")
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    moved = pooled = 0
    for customer_id, target in targets.items():
        customer = customers[customer_id]
        customer.owner_id = None if target == POOL else target
        customer.owner_since = None if target == POOL else local_today()  # the 公海 clock starts again
        customer.updated_at = utcnow()
        new = "公海" if target == POOL else people[target].name
        moved += target != POOL
        pooled += target == POOL
        record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="handover", reason=reason,
               changes=[{"field": "owner_id", "label": "负责人", "old": held.user.name, "new": new}])
    plans = list(session.scalars(select(VisitPlan).where(VisitPlan.assignee_id == leaving_id,
                                                         VisitPlan.status == PLANNED)))
    for plan in plans:  # a plan follows its customer; a plan on someone else's customer goes to that owner
        owner = customers[plan.customer_id].owner_id if plan.customer_id in customers else \
            session.scalar(select(Customer.owner_id).where(Customer.id == plan.customer_id))
        plan.assignee_id = owner
    loans = list(session.scalars(select(AccessGrant).where(_open_loans(leaving_id))))
    for grant in loans:  # a borrowed archive goes back with its borrower
        record(session, actor_id=actor.id, entity="customer", entity_id=grant.customer_id, action="access_return",
               reason=reason, changes=[{"field": "access", "label": "借阅", "old": access.STATE_LABELS[grant.state],
                                        "new": "已归还（离职交接）"}])
        grant.state = access.RETURNED
    if disable:
        set_user_active(session, actor_id=actor.id, user_id=leaving_id, active=False)
    session.flush()
    return {"moved": moved, "pooled": pooled, "plans": len(plans), "loans": len(loans)}


@dataclass
class Orphans:
    customers: list[tuple[int, str, str, str]]  # (id, name, 档案号, disabled owner)
    plans: int


def orphans(session: Session) -> Orphans:
    """Records still held by a disabled user: what a handover left behind (should be none)."""
    customers = [tuple(row) for row in session.execute(
        select(Customer.id, Customer.name, Customer.archive_no, User.name).join(User, User.id == Customer.owner_id)
        .where(User.is_active.is_(False), Customer.is_active.is_(True)).order_by(User.name, Customer.name).limit(500))]
    plans = session.scalar(select(func.count()).select_from(VisitPlan).join(User, User.id == VisitPlan.assignee_id)
                           .where(User.is_active.is_(False), VisitPlan.status == PLANNED)) or 0
    return Orphans(customers, plans)
