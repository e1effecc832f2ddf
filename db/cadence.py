"""Keeping each customer's contact status (last contacts, next due date) and the cadence rules.

``refresh_due`` is the one place that computes ``contact_status`` (with domain/cadence.next_due);
it runs inside the transaction of every write that can change it, after that write is flushed:
a follow-up (db/followups.py), a new, edited, deactivated or reactivated archive (db/archives.py), a board move
(db/classification.move_class), an import and its undo, an edit of the rules (``set_rules``) or of
which schemes are active (db/schemes.update_scheme).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Sequence

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from db.audit import record
from db.bulk import insert_rows
from db.models import ClassScheme, ClassValue, Customer, CustomerClass, Setting
from db.models_followups import CadenceRule, ContactStatus, FollowUp
from domain import cadence, permissions
from domain.errors import NotFound, PermissionDenied
from domain.followups import PHONE_METHODS, VISIT_METHODS
from domain.formatting import local_date

ESCALATE_KEY = "escalate_after_days"
CHUNK = 2000  # customers per round trip (SQLite allows ~32k bound parameters)


def active_rules(session: Session) -> dict[int, list[cadence.Rule]]:
    """class value id -> its rules, for classes of active schemes."""
    rows = session.execute(
        select(CadenceRule, ClassValue.name).join(ClassValue, ClassValue.id == CadenceRule.value_id)
        .join(ClassScheme, ClassScheme.id == ClassValue.scheme_id).where(ClassScheme.is_active.is_(True))
        .order_by(CadenceRule.id))
    rules: dict[int, list[cadence.Rule]] = defaultdict(list)
    for rule, class_name in rows:
        rules[rule.value_id].append(cadence.Rule(rule.channel, rule.times, rule.every, rule.unit, class_name))
    return dict(rules)


def refresh_due(session: Session, customer_ids: Iterable[int] | None = None) -> int:
    """Recompute contact_status for ``customer_ids`` (None: every customer); returns how many."""
    session.flush()
    rules = active_rules(session)
    ids = list(customer_ids) if customer_ids is not None else list(session.scalars(select(Customer.id)))
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(session, ids[start:start + CHUNK], rules)
    return len(ids)


def fill_missing(session: Session) -> int:
    """Contact status for customers that have none yet (bulk imports, databases older than cadence)."""
    missing = select(ContactStatus.customer_id).where(ContactStatus.customer_id == Customer.id).exists()
    return refresh_due(session, session.scalars(select(Customer.id).where(~missing)).all())


def _refresh_chunk(session: Session, ids: Sequence[int], rules: dict[int, list[cadence.Rule]]) -> None:
    created = {customer_id: (created_at, active) for customer_id, created_at, active in session.execute(
        select(Customer.id, Customer.created_at, Customer.is_active).where(Customer.id.in_(ids)))}
    classes: dict[int, list[int]] = defaultdict(list)
    for customer_id, value_id in session.execute(select(CustomerClass.customer_id, CustomerClass.value_id)
                                                 .where(CustomerClass.customer_id.in_(ids),
                                                        CustomerClass.value_id.in_(list(rules) or [-1]))):
        classes[customer_id].append(value_id)
    last = {row[0]: row[1:] for row in session.execute(
        select(FollowUp.customer_id, func.max(FollowUp.day),
               func.max(case((FollowUp.method.in_(PHONE_METHODS), FollowUp.day))),
               func.max(case((FollowUp.method.in_(VISIT_METHODS), FollowUp.day))))
        .where(FollowUp.customer_id.in_(ids)).group_by(FollowUp.customer_id))}
    rows = []
    for customer_id, (created_at, active) in created.items():
        last_any, last_phone, last_visit = last.get(customer_id, (None, None, None))
        due = cadence.next_due([rule for value_id in classes.get(customer_id, []) for rule in rules[value_id]],
                               {cadence.ANY: last_any, cadence.PHONE: last_phone, cadence.VISIT: last_visit},
                               since=local_date(created_at)) if active else None  # a deactivated archive is never due
        rows.append(dict(customer_id=customer_id, last_any=last_any, last_phone=last_phone, last_visit=last_visit,
                         next_due=due.day if due else None, due_reason=due.reason()[:200] if due else None))
    session.execute(delete(ContactStatus).where(ContactStatus.customer_id.in_(ids)))
    insert_rows(session, ContactStatus.__table__, rows)  # COPY on PostgreSQL: an import refreshes thousands


def rules_of(session: Session, value_id: int) -> list[CadenceRule]:
    return list(session.scalars(select(CadenceRule).where(CadenceRule.value_id == value_id).order_by(CadenceRule.id)))


def all_rules(session: Session) -> dict[int, list[CadenceRule]]:
    rules: dict[int, list[CadenceRule]] = defaultdict(list)
    for rule in session.scalars(select(CadenceRule).order_by(CadenceRule.id)):
        rules[rule.value_id].append(rule)
    return dict(rules)


def set_rules(session: Session, actor: permissions.Actor, value_id: int,
              rules: list[tuple[str, int | None, int | None, str]]) -> int:
    """Replace the cadence of one class; every customer's due date follows. Returns customers refreshed."""
    if not permissions.can_manage_schemes(actor):
        raise PermissionDenied("只有系统管理员可以修改跟进频率")
    value = session.get(ClassValue, value_id)
    if value is None:
        raise NotFound("找不到这个分类")
    for channel, times, every, unit in rules:
        cadence.check_rule(channel, times, every, unit)
    before = [cadence.Rule(r.channel, r.times, r.every, r.unit).describe() for r in rules_of(session, value_id)]
    after = [cadence.Rule(*r).describe() for r in rules]
    if before == after:
        return 0
    session.execute(delete(CadenceRule).where(CadenceRule.value_id == value_id))
    session.add_all(CadenceRule(value_id=value_id, channel=channel, times=times, every=every, unit=unit)
                    for channel, times, every, unit in rules)
    record(session, actor_id=actor.id, entity="scheme", entity_id=value.scheme_id, action="cadence_edit",
           changes=[{"field": f"cadence:{value.id}", "label": f"{value.name} 跟进频率",
                     "old": "；".join(before) or None, "new": "；".join(after) or None}])
    holders = session.scalars(select(CustomerClass.customer_id).where(CustomerClass.value_id == value_id)).all()
    return refresh_due(session, holders)


def set_escalate_after_days(session: Session, actor: permissions.Actor, days: int | None) -> None:
    """How many days overdue before a customer lands on the supervisor's escalation list."""
    if not permissions.can_manage_schemes(actor):
        raise PermissionDenied("只有系统管理员可以修改逾期提醒天数")
    if days is None or not 1 <= days <= 365:
        raise cadence.CadenceError("逾期提醒天数须在 1 到 365 之间")
    setting = session.get(Setting, ESCALATE_KEY)
    old = setting.value if setting else str(cadence.ESCALATE_AFTER_DAYS)
    if old == str(days):
        return
    if setting is None:
        session.add(Setting(key=ESCALATE_KEY, value=str(days)))
    else:
        setting.value = str(days)
    record(session, actor_id=actor.id, entity="setting", entity_id=0, action="cadence_edit",
           changes=[{"field": ESCALATE_KEY, "label": "逾期提醒上级（天）", "old": old, "new": str(days)}])


def escalate_after_days(session: Session) -> int:
    value = session.get(Setting, ESCALATE_KEY)
    return int(value.value) if value and value.value.isdigit() else cadence.ESCALATE_AFTER_DAYS
