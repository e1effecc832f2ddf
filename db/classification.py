"""Setting customers' classes: the one write path for the board, the archive form, imports and the rules.

Every change of an existing archive's class lands in the class-movement log (``apply_classes``).
A board move also checks permission and the reason rule (domain/classification.py), refuses a
move based on a stale view of the customer, and writes the archive's history — all in the
caller's transaction.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.archive_queries import get_customer
from db.audit import record
from db.cadence import refresh_due
from db.models import ClassMovement, ClassScheme, ClassValue, Customer, CustomerClass, User, utcnow
from domain import permissions
from domain.classification import ClassRef, check_move
from domain.errors import ConflictError, PermissionDenied, UserFacingError


def move_class(session: Session, actor: permissions.Actor, customer_id: int, scheme_id: int, to_value_id: int, *,
               reason: str, expected_value_id: int | None) -> CustomerClass:
    """Move the customer to ``to_value_id`` in the scheme, from the class the user saw (``expected_value_id``).

    Raises PermissionDenied, ConflictError (someone moved or deactivated it meanwhile) or UserFacingError.
    """
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_move_class(actor, customer):
        raise PermissionDenied("您只能移动自己负责的客户")
    if not customer.is_active:
        raise ConflictError("这份档案已被停用，不能再移动分类；看板已刷新")
    scheme = session.get(ClassScheme, scheme_id)
    target = session.get(ClassValue, to_value_id)
    if scheme is None or target is None or target.scheme_id != scheme_id or target.is_retired:
        raise UserFacingError("目标分类不存在或已停用")
    current = next((c for c in customer.classes if c.scheme_id == scheme_id), None)
    if (current.value_id if current else None) != expected_value_id:
        raise ConflictError(_moved_meanwhile(session, customer_id, scheme_id, current))
    old = _ref(current.value) if current else None
    check_move(scheme.is_ranked, old, _ref(target), reason)
    apply_classes(session, customer, {scheme_id: to_value_id}, actor_id=actor.id, reason=reason)
    customer.updated_at = utcnow()  # a new version of the archive: an edit opened before this is warned
    label = f"分类·{scheme.name}"
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="class_move",
           reason=reason, changes=[{"field": label, "label": label, "old": old.name if old else None,
                                    "new": target.name}])
    try:
        session.flush()
    except StaleDataError:  # another session changed the archive between our read and this write
        raise ConflictError("移动失败：这位客户刚刚被他人修改，看板已刷新，请重新操作") from None
    refresh_due(session, [customer_id])
    return next(c for c in customer.classes if c.scheme_id == scheme_id)


def sync_classes(customer: Customer, chosen: dict[int, int | None]) -> list[tuple[int, int | None, int | None]]:
    """Set the class per scheme in ``chosen`` (None clears it); other schemes keep theirs.

    Returns the changes made as (scheme id, old value id, new value id).
    """
    current = {c.scheme_id: c for c in customer.classes}
    changed = []
    for scheme_id, value_id in chosen.items():
        old = current[scheme_id].value_id if scheme_id in current else None
        if old == value_id:
            continue
        if value_id is None:
            customer.classes.remove(current[scheme_id])
        elif scheme_id in current:
            current[scheme_id].value_id = value_id
        else:
            customer.classes.append(CustomerClass(scheme_id=scheme_id, value_id=value_id))
        changed.append((scheme_id, old, value_id))
    return changed


def apply_classes(session: Session, customer: Customer, chosen: dict[int, int | None], *, actor_id: int | None,
                  reason: str) -> None:
    """Set an existing archive's classes and log each change in the class-movement log.

    The caller refreshes the contact cadence (db/cadence.refresh_due) once its write is flushed."""
    changes = sync_classes(customer, chosen)
    for scheme_id, old, new in changes:
        session.add(ClassMovement(customer_id=customer.id, scheme_id=scheme_id, actor_id=actor_id,
                                  from_value_id=old, to_value_id=new, reason=reason.strip() or None))


def _ref(value: ClassValue) -> ClassRef:
    return ClassRef(id=value.id, name=value.name, order=value.sort_order, terminal=value.is_terminal)


def _moved_meanwhile(session: Session, customer_id: int, scheme_id: int, current: CustomerClass | None) -> str:
    """Chinese explanation of a move refused because the customer's class changed since the user looked."""
    last = session.execute(
        select(User.name).join(ClassMovement, ClassMovement.actor_id == User.id)
        .where(ClassMovement.customer_id == customer_id, ClassMovement.scheme_id == scheme_id)
        .order_by(ClassMovement.at.desc(), ClassMovement.id.desc()).limit(1)).scalar()
    now = f"「{current.value.name}」" if current else "未分类"
    return f"移动失败：{last or '其他人'}刚刚已把这位客户移到{now}，看板已刷新，请重新操作"


def move_many(session: Session, actor: permissions.Actor, scheme_id: int, to_value_id: int,
              seen: dict[int, int | None], *, reason: str) -> int:
    """Move several customers (id → the class the user saw them in) in one transaction: all or none."""
    if not seen:
        raise UserFacingError("请先选择要移动的客户")
    for customer_id, expected in seen.items():
        move_class(session, actor, customer_id, scheme_id, to_value_id, reason=reason, expected_value_id=expected)
    return len(seen)
