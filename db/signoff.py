"""Sensitive changes waiting for sign-off (domain/signoff.py): holding a rep's change back,
listing what waits, and the supervisor's decision — each step in the customer's history."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from db.audit import record
from db.models import Customer, User, utcnow
from db.models_access import PendingChange
from domain import audit, permissions
from domain import signoff as S
from domain.errors import ConflictError, NotFound, PermissionDenied, UserFacingError


def hold(session: Session, actor: permissions.Actor, customer: Customer, changes: list[audit.Change],
         new_values: dict, reason: str) -> PendingChange:
    """Keep a rep's sensitive changes as a request; the archive keeps its values until approval."""
    pending = PendingChange(customer_id=customer.id, requested_by_id=actor.id, reason=reason.strip(), changes=changes,
                            new_values={c["field"]: S.to_json(c["field"], new_values.get(c["field"])) for c in changes},
                            state=S.PENDING)
    session.add(pending)
    record(session, actor_id=actor.id, entity="customer", entity_id=customer.id, action="signoff_request",
           reason=reason, changes=changes)
    return pending


def pending_for(session: Session, customer_id: int) -> list[PendingChange]:
    return list(session.scalars(select(PendingChange).options(joinedload(PendingChange.requested_by))
                                .where(PendingChange.customer_id == customer_id, PendingChange.state == S.PENDING)
                                .order_by(PendingChange.id)))


def to_sign(session: Session, actor: permissions.Actor) -> list[tuple[PendingChange, Customer]]:
    """Requests ``actor`` may decide: the requester's supervisor (as for reviewing an archive)."""
    rows = session.execute(select(PendingChange, Customer, User.supervisor_id)
                           .join(Customer, Customer.id == PendingChange.customer_id)
                           .outerjoin(User, User.id == Customer.owner_id)
                           .options(joinedload(PendingChange.requested_by))
                           .where(PendingChange.state == S.PENDING).order_by(PendingChange.id)).all()
    return [(p, c) for p, c, supervisor in rows
            if p.requested_by_id != actor.id and permissions.can_review(actor, c, supervisor)]


def decide_change(session: Session, actor: permissions.Actor, change_id: int, approve: bool,
                  comment: str = "") -> PendingChange:
    """Approve (the values take effect now, if nobody changed them meanwhile) or refuse (with a reason)."""
    pending = session.get(PendingChange, change_id)
    if pending is None:
        raise NotFound("找不到这条待审批的修改")
    customer = session.get(Customer, pending.customer_id)
    supervisor = session.scalar(select(User.supervisor_id).where(User.id == customer.owner_id)) \
        if customer.owner_id else None
    if pending.requested_by_id == actor.id:
        raise PermissionDenied("不能审批自己提交的修改")
    if not permissions.can_review(actor, customer, supervisor):
        raise PermissionDenied("只有负责人的上级可以审批信用额度、账期和银行信息的修改")
    if pending.state != S.PENDING:
        raise UserFacingError(f"这条修改已是「{S.STATE_LABELS[pending.state]}」，不能再审批")
    if not approve and not comment.strip():
        raise UserFacingError("拒绝时请写明原因")
    if approve:
        moved = [c["label"] for c in pending.changes if audit.display(getattr(customer, c["field"])) != c["old"]]
        if moved:
            raise ConflictError(f"申请之后「{'、'.join(moved)}」已被修改，这条申请已过时，请拒绝并让申请人重新提交")
        for name, value in pending.new_values.items():
            setattr(customer, name, S.from_json(name, value))
        customer.updated_at = utcnow()
    pending.state = S.APPROVED if approve else S.REFUSED
    pending.decided_by_id, pending.decided_at, pending.comment = actor.id, utcnow(), comment.strip() or None
    record(session, actor_id=actor.id, entity="customer", entity_id=customer.id,
           action="signoff_approve" if approve else "signoff_refuse", reason=comment or pending.reason,
           changes=pending.changes if approve else [])
    return pending
