"""公海 (the shared pool): its settings, the daily sweep, claiming and releasing.

The rules themselves (when a customer is due back, when a claim is refused) are domain/pool.py.
Every change of owner here records the customer's history and a ``PoolEvent`` in the caller's
transaction; ``sweep`` is idempotent (a customer already in the pool is never returned twice).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.archive_queries import get_customer
from db.audit import record
from db.cadence import refresh_due
from db.models import ClassScheme, ClassValue, Customer, CustomerClass, Setting, User, utcnow
from db.models_access import PoolEvent
from db.models_followups import ContactStatus
from db.paging import SHOWN, Rows
from db.search import contains
from domain import permissions
from domain import pool as P
from domain import roles as R
from domain.errors import NotFound, PermissionDenied
from domain.formatting import local_date, local_today, utc_start_of

SETTINGS_KEY = "pool_settings"
LAST_SWEEP_KEY = "pool_sweep_last"
CLAIM, RETURN, RELEASE = "claim", "return", "release"
PAGE_SIZE = 50


# --- settings ---------------------------------------------------------------------------------

def get_settings(session: Session) -> P.PoolSettings:
    row = session.get(Setting, SETTINGS_KEY)
    return P.PoolSettings.from_dict(json.loads(row.value)) if row else P.PoolSettings()


def save_settings(session: Session, actor: permissions.Actor, settings: P.PoolSettings) -> bool:
    """Admins change the pool's numbers; the change is in the history. False when nothing changed."""
    if not permissions.can_manage_schemes(actor):
        raise PermissionDenied("只有系统管理员可以修改公海规则")
    P.check_settings(settings)
    old = get_settings(session)
    if old == settings:
        return False
    row = session.get(Setting, SETTINGS_KEY)
    if row is None:
        session.add(Setting(key=SETTINGS_KEY, value=json.dumps(settings.as_dict())))
    else:
        row.value = json.dumps(settings.as_dict())
    changes = [{"field": name, "label": label, "old": getattr(old, name), "new": getattr(settings, name)}
               for name, label in P.SETTING_LABELS.items() if getattr(old, name) != getattr(settings, name)]
    record(session, actor_id=actor.id, entity="setting", entity_id=0, action="pool_rules", changes=changes)
    return True


def set_class_days(session: Session, actor: permissions.Actor, value_id: int, days: int | None) -> bool:
    """The untended days after which a holder of this class returns to the pool (None: the default)."""
    if not permissions.can_manage_schemes(actor):
        raise PermissionDenied("只有系统管理员可以修改公海规则")
    P.check_class_days(days)
    value = session.get(ClassValue, value_id)
    if value is None:
        raise NotFound("找不到这个分类")
    if value.pool_days == days:
        return False
    record(session, actor_id=actor.id, entity="scheme", entity_id=value.scheme_id, action="pool_rules",
           changes=[{"field": f"pool_days:{value.id}", "label": f"{value.name} 退回公海天数",
                     "old": value.pool_days, "new": days}])
    value.pool_days = days
    return True


# --- which customers are due back -------------------------------------------------------------

@dataclass(frozen=True)
class Untended:
    customer_id: int
    owner_id: int
    days: int           # the rule that applies
    since: dt.date      # the clock's start: last follow-up or the owner's start
    returns_on: dt.date


def _class_days(session: Session, ids: list[int]) -> dict[int, list[int | None]]:
    rows = session.execute(
        select(CustomerClass.customer_id, ClassValue.pool_days)
        .join(ClassValue, ClassValue.id == CustomerClass.value_id)
        .join(ClassScheme, ClassScheme.id == ClassValue.scheme_id)
        .where(ClassScheme.is_active.is_(True), CustomerClass.customer_id.in_(ids)))
    days: dict[int, list[int | None]] = {}
    for customer_id, pool_days in rows:
        days.setdefault(customer_id, []).append(pool_days)
    return days


def _shortest_days(session: Session, settings: P.PoolSettings) -> int:
    class_min = session.scalar(
        select(func.min(ClassValue.pool_days)).join(ClassScheme, ClassScheme.id == ClassValue.scheme_id)
        .where(ClassScheme.is_active.is_(True)))
    return min(settings.default_days, class_min or settings.default_days)


def untended(session: Session, today: dt.date, *, within_days: int = 0,
             owner_id: int | None = None) -> list[Untended]:
    """Owned, active customers that return to the pool by ``today + within_days``, soonest first.

    Only customers whose clock started at least the shortest rule's days ago are read, so the
    daily sweep reads the few candidates, not the archive.
    """
    settings = get_settings(session)
    horizon = today + dt.timedelta(days=within_days)
    started_before = horizon - dt.timedelta(days=_shortest_days(session, settings))
    last_contact = ContactStatus.last_any
    query = (select(Customer.id, Customer.owner_id, Customer.owner_since, Customer.created_at, last_contact)
             .outerjoin(ContactStatus, ContactStatus.customer_id == Customer.id)
             .where(Customer.owner_id.is_not(None), Customer.is_active.is_(True), Customer.deleted_at.is_(None),
                    or_(last_contact.is_(None), last_contact <= started_before),
                    or_(Customer.owner_since <= started_before,
                        Customer.owner_since.is_(None) & (Customer.created_at < _day_end_utc(started_before)))))
    if owner_id is not None:
        query = query.where(Customer.owner_id == owner_id)
    rows = session.execute(query).all()
    class_days = _class_days(session, [r.id for r in rows])
    due = []
    for row in rows:
        days = P.return_days(class_days.get(row.id, []), settings.default_days)
        start = P.clock(row.last_any, row.owner_since, local_date(row.created_at))
        back = P.returns_on(start, days)
        if back <= horizon:
            due.append(Untended(row.id, row.owner_id, days, start, back))
    return sorted(due, key=lambda u: (u.returns_on, u.customer_id))


def _day_end_utc(day: dt.date) -> dt.datetime:
    return utc_start_of(day + dt.timedelta(days=1))


# --- the daily sweep ----------------------------------------------------------------------------

def last_sweep(session: Session) -> dt.date | None:
    row = session.get(Setting, LAST_SWEEP_KEY)
    return dt.date.fromisoformat(row.value) if row else None


def sweep(session: Session, today: dt.date | None = None) -> dict[str, object]:
    """Return every customer untended past its rule to the pool; safe to run any number of times."""
    today = today or local_today()
    due = [u for u in untended(session, today) if u.returns_on <= today]
    if due:
        customers = {c.id: c for c in session.scalars(
            select(Customer).where(Customer.id.in_([u.customer_id for u in due])))}
        names = dict(session.execute(select(User.id, User.name).where(
            User.id.in_({u.owner_id for u in due}))).all())
        for item in due:
            customer = customers[item.customer_id]
            customer.owner_id = None
            customer.owner_since = None
            customer.updated_at = utcnow()
            session.add(PoolEvent(day=today, customer_id=item.customer_id, user_id=item.owner_id, action=RETURN))
            record(session, actor_id=None, entity="customer", entity_id=item.customer_id, action="pool_return",
                   reason=f"自 {item.since:%Y-%m-%d} 起 {item.days} 天未跟进，自动退回公海",
                   changes=[{"field": "owner_id", "label": "负责人", "old": names.get(item.owner_id), "new": "公海"}])
    row = session.get(Setting, LAST_SWEEP_KEY)
    if row is None:
        session.add(Setting(key=LAST_SWEEP_KEY, value=today.isoformat()))
    else:
        row.value = today.isoformat()
    session.flush()
    return {"day": today.isoformat(), "returned": len(due), "customer_ids": [u.customer_id for u in due]}


def sweep_if_due(session: Session, today: dt.date | None = None) -> dict[str, object] | None:
    """The app's start: sweep unless the pool was already swept today."""
    today = today or local_today()
    if last_sweep(session) == today:
        return None
    return sweep(session, today)


# --- the pool as a rep sees it, claiming and releasing -----------------------------------------

@dataclass(frozen=True)
class PoolRow:
    """What anyone may see of a customer in the pool: no phones, bank data or history."""

    id: int
    archive_no: str
    name: str
    province: str | None
    city: str | None
    customer_type: str | None
    classes: str


def in_pool() -> ColumnElement[bool]:
    return Customer.owner_id.is_(None) & Customer.is_active.is_(True) & Customer.deleted_at.is_(None)


def pool_page(session: Session, actor: permissions.Actor, *, search: str = "", province: str | None = None,
              page: int = 1) -> tuple[list[PoolRow], int]:
    """The pool, newest first, limited to what a claimer needs; (rows, total)."""
    if not permissions.can_see_pool(actor):
        raise PermissionDenied("您无权查看公海")
    where = [in_pool()]
    if search.strip():
        where.append(or_(contains(Customer.name, search.strip()), contains(Customer.archive_no, search.strip())))
    if province:
        where.append(Customer.province == province)
    total = session.scalar(select(func.count(Customer.id)).where(*where)) or 0
    rows = session.execute(
        select(Customer.id, Customer.archive_no, Customer.name, Customer.province, Customer.city,
               Customer.customer_type).where(*where).order_by(Customer.updated_at.desc(), Customer.id.desc())
        .offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    names: dict[int, list[str]] = {}
    for customer_id, name in session.execute(
            select(CustomerClass.customer_id, ClassValue.name).join(ClassValue, ClassValue.id == CustomerClass.value_id)
            .join(ClassScheme, ClassScheme.id == ClassValue.scheme_id)
            .where(ClassScheme.is_active.is_(True), CustomerClass.customer_id.in_([r.id for r in rows]))
            .order_by(ClassScheme.sort_order)):
        names.setdefault(customer_id, []).append(name)
    return [PoolRow(r.id, r.archive_no, r.name, r.province, r.city, r.customer_type,
                    "、".join(names.get(r.id, []))) for r in rows], total


@dataclass(frozen=True)
class Standing:
    claims_today: int
    owned: int


def claim_standing(session: Session, actor: permissions.Actor, today: dt.date | None = None) -> Standing:
    """How many customers ``actor`` claimed today and owns (the claim limits count these)."""
    today = today or local_today()
    claims_today = session.scalar(select(func.count(PoolEvent.id)).where(
        PoolEvent.user_id == actor.id, PoolEvent.action == CLAIM, PoolEvent.day == today)) or 0
    owned = session.scalar(select(func.count(Customer.id)).where(
        Customer.owner_id == actor.id, Customer.is_active.is_(True))) or 0
    return Standing(claims_today, owned)


def claim(session: Session, actor: permissions.Actor, customer_id: int, today: dt.date | None = None) -> Customer:
    """Take a customer from the pool, within the day's and the total limits and past the reclaim ban."""
    today = today or local_today()
    if not permissions.can_claim(actor):
        raise PermissionDenied("只有业务员和销售经理可以认领公海客户")
    customer = session.scalars(select(Customer).where(Customer.id == customer_id).with_for_update()).one_or_none()
    if customer is None or not customer.is_active:
        raise NotFound("找不到这位公海客户（可能已停用）")
    if customer.owner_id is not None:
        raise P.ClaimRefused("这位客户刚刚已被认领，不在公海中了")
    standing = claim_standing(session, actor, today)
    last_left = session.scalar(select(func.max(PoolEvent.day)).where(
        PoolEvent.customer_id == customer_id, PoolEvent.user_id == actor.id, PoolEvent.action.in_((RETURN, RELEASE))))
    refusal = P.claim_refusal(get_settings(session), claims_today=standing.claims_today, owned=standing.owned,
                              last_left_me=last_left, today=today)
    if refusal:
        raise P.ClaimRefused(refusal)
    customer.owner_id = actor.id
    customer.owner_since = today
    customer.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:  # someone else claimed (or edited) it between our read and this write
        raise P.ClaimRefused("这位客户刚刚已被认领，不在公海中了") from None
    session.add(PoolEvent(day=today, customer_id=customer_id, user_id=actor.id, action=CLAIM))
    me = session.get(User, actor.id)
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="pool_claim",
           changes=[{"field": "owner_id", "label": "负责人", "old": "公海", "new": me.name if me else None}])
    refresh_due(session, [customer_id])
    return customer


def release(session: Session, actor: permissions.Actor, customer_id: int, reason: str,
            today: dt.date | None = None) -> Customer:
    """An owner gives a customer back to the pool, with a reason; the reclaim ban applies to them."""
    today = today or local_today()
    customer = get_customer(session, actor, customer_id)  # a supervisor only within what they may see
    mine = customer.owner_id == actor.id
    if customer.owner_id is None or not (mine or permissions.can_assign_owner(actor)):
        raise PermissionDenied("只有负责人（或其上级）可以把客户释放到公海")
    if not reason.strip():
        raise P.PoolError("请填写释放到公海的原因")
    owner = session.get(User, customer.owner_id)
    session.add(PoolEvent(day=today, customer_id=customer_id, user_id=customer.owner_id, action=RELEASE))
    customer.owner_id = None
    customer.owner_since = None
    customer.updated_at = utcnow()
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="pool_release",
           reason=reason, changes=[{"field": "owner_id", "label": "负责人",
                                    "old": owner.name if owner else None, "new": "公海"}])
    return customer


def returning_soon(session: Session, actor: permissions.Actor, today: dt.date | None = None) -> Rows:
    """The reminder: ``actor``'s customers that return to the pool within the reminder days, soonest
    first: the first ``SHOWN`` as (Untended, name), and how many there are."""
    if actor.id is None or actor.role not in (R.REP, R.MANAGER):
        return Rows([], 0)
    today = today or local_today()
    settings = get_settings(session)
    soon = untended(session, today, within_days=settings.remind_days, owner_id=actor.id)
    first = soon[:SHOWN]
    names = dict(session.execute(select(Customer.id, Customer.name).where(
        Customer.id.in_([u.customer_id for u in first]))).all())
    return Rows([(u, names[u.customer_id]) for u in first], len(soon))
