"""驾驶舱 aggregates about the customer base — each a GROUP BY in the database over the customers
the user may see that match the dashboard's filter (never whole tables into pandas)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from db import visibility
from db.archive_queries import CustomerFilter, filtered_query
from db.models import ClassValue, Customer, CustomerClass, User
from db.models_followups import ContactStatus, FollowUp, Receivable
from db.movements import _local_day
from domain import dashboard as rules
from domain import permissions
from domain.followups import REVIEW_WINDOW_DAYS, VISIT_METHODS
from domain.formatting import utc_start_of
from domain.review import PENDING, RETURNED
from domain.roles import SEE_ALL

UNCLASSIFIED = "未分类"
NO_OWNER = "（无负责人）"
DRILL_LIMIT = 200


def scope(actor: permissions.Actor, flt: rules.DashboardFilter, *, active_only: bool = True) -> ColumnElement[bool]:
    """The ``where`` clause on Customer: visible to ``actor`` and within the filter's region, type, owner."""
    return filtered_query(actor, CustomerFilter(province=flt.province, customer_type=flt.customer_type,
                                                owner_id=flt.owner_id,
                                                status="active" if active_only else "all")).whereclause


def narrows(actor: permissions.Actor, flt: rules.DashboardFilter) -> bool:
    """Whether the view is less than every customer (a rep's own, or a region/type/rep filter). When it
    is not, queries over follow-ups, plans, sales and due dates need not join customers at all."""
    return actor.role not in SEE_ALL or any(v is not None for v in (flt.province, flt.customer_type, flt.owner_id))


def in_view(query: Select, actor: permissions.Actor, flt: rules.DashboardFilter, customer_id,
            person=None) -> Select:
    """``query`` limited to the customers in view (active or not: past work and sales still count).

    For work (follow-ups, plans: ``person`` is the follower or assignee column) without a region or
    type filter, the circle is people rather than customers — the team's own work, read from the
    covering index without joining customers."""
    if not narrows(actor, flt):
        return query
    if person is not None and flt.province is None and flt.customer_type is None:
        if flt.owner_id is not None:
            query = query.where(person == flt.owner_id)
        people = visibility.people_in_view(actor)
        return query if people is None else query.where(person.in_(people))
    return query.join(Customer, Customer.id == customer_id).where(scope(actor, flt, active_only=False))


@dataclass
class Headline:
    active: int
    inactive: int
    pending_review: int
    returned: int
    new_in_range: int
    overdue: int
    visits_to_review: int
    receivables_overdue: int
    receivables_overdue_amount: float


def headline(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter, today: dt.date) -> Headline:
    where_all = scope(actor, flt, active_only=False)
    where = scope(actor, flt)
    status = session.execute(select(
        func.count().filter(Customer.is_active.is_(True)), func.count().filter(Customer.is_active.is_(False)),
        func.count().filter(and_(Customer.is_active.is_(True), Customer.review_state == PENDING)),
        func.count().filter(and_(Customer.is_active.is_(True), Customer.review_state == RETURNED)),
        func.count().filter(and_(Customer.created_at >= utc_start_of(flt.start),
                                 Customer.created_at < utc_start_of(flt.end + dt.timedelta(days=1)))),
    ).where(where_all)).one()
    overdue = session.scalar(select(func.count()).select_from(Customer)
                             .join(ContactStatus, ContactStatus.customer_id == Customer.id)
                             .where(where, ContactStatus.next_due < today)) or 0
    to_review = session.scalar(in_view(
        select(func.count()).select_from(FollowUp).where(
            FollowUp.reviewed_at.is_(None), FollowUp.method.in_(VISIT_METHODS),
            FollowUp.day >= today - dt.timedelta(days=REVIEW_WINDOW_DAYS)),
        actor, flt, FollowUp.customer_id, FollowUp.follower_id)) or 0
    owed_count, owed = session.execute(select(func.count(), func.sum(Receivable.amount - Receivable.paid))
                                       .join(Customer, Customer.id == Receivable.customer_id)
                                       .where(where, Receivable.due_date < today,
                                              Receivable.paid < Receivable.amount)).one()
    return Headline(*status, overdue, to_review, owed_count, float(owed or 0))


DIMENSIONS = {"class": "分类", "province": "区域", "customer_type": "客户类型", "owner": "负责人"}  # chart labels


def _dimension(dimension: str, scheme_id: int | None):
    """(label column, extra joins) for one way of slicing customers."""
    if dimension == "class":
        return func.coalesce(ClassValue.name, UNCLASSIFIED), [
            (CustomerClass, and_(CustomerClass.customer_id == Customer.id, CustomerClass.scheme_id == scheme_id)),
            (ClassValue, ClassValue.id == CustomerClass.value_id)]
    if dimension == "owner":
        return func.coalesce(User.name, NO_OWNER), [(User, User.id == Customer.owner_id)]
    column = Customer.province if dimension == "province" else Customer.customer_type
    return func.coalesce(column, "（未填）"), []


def customers_by(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter, dimension: str, *,
                 stack_by_owner: bool = False, overdue_on: dt.date | None = None) -> list[tuple[str, str, int]]:
    """(value, owner or "", count) of active customers per class / province / type / owner; with
    ``overdue_on``, only customers overdue by cadence on that day."""
    if overdue_on is not None and dimension == "class" and not stack_by_owner:
        visible = select(Customer.id).where(scope(actor, flt)) if narrows(actor, flt) else None
        return _overdue_by_class(session, flt.scheme_id, overdue_on, visible)
    label, joins = _dimension(dimension, flt.scheme_id)
    owner = func.coalesce(User.name, NO_OWNER) if stack_by_owner and dimension != "owner" else None
    columns = [label, owner if owner is not None else literal_column("''"), func.count()]
    query = select(*columns).select_from(Customer)
    for table, on in joins:
        query = query.outerjoin(table, on)
    if owner is not None:
        query = query.outerjoin(User, User.id == Customer.owner_id)
    if overdue_on is not None:
        query = query.join(ContactStatus, ContactStatus.customer_id == Customer.id).where(
            ContactStatus.next_due < overdue_on)
    query = query.where(scope(actor, flt)).group_by(*[c for c in (label, owner) if c is not None])
    return [(value, who or "", count) for value, who, count in session.execute(query)]


def _overdue_by_class(session: Session, scheme_id: int | None, day: dt.date,
                      visible: Select | None) -> list[tuple[str, str, int]]:
    """Overdue customers per class, from contact_status and customer_classes (a deactivated archive
    has no due date), limited to the ``visible`` customer ids when the view is not everyone."""
    query = (select(CustomerClass.value_id, func.count()).select_from(ContactStatus)
             .outerjoin(CustomerClass, and_(CustomerClass.customer_id == ContactStatus.customer_id,
                                            CustomerClass.scheme_id == scheme_id))
             .where(ContactStatus.next_due < day).group_by(CustomerClass.value_id))
    if visible is not None:
        query = query.where(ContactStatus.customer_id.in_(visible))
    counts = dict(session.execute(query).all())
    names = dict(session.execute(select(ClassValue.id, ClassValue.name)
                                 .where(ClassValue.id.in_([v for v in counts if v is not None]))).all())
    return [(names.get(value_id, UNCLASSIFIED), "", count) for value_id, count in counts.items()]


def new_archives_by_month(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter,
                          since: dt.date) -> list[tuple[dt.date, int]]:
    """New archives per month since ``since`` (the team's calendar), counted per day in SQL."""
    day = _local_day(session, Customer.created_at)
    rows = session.execute(select(day, func.count()).where(scope(actor, flt, active_only=False),
                                                           Customer.created_at >= utc_start_of(since)).group_by(day))
    months: Counter[dt.date] = Counter()
    for value, count in rows:
        value = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        months[value.replace(day=1)] += count
    return sorted(months.items())


def completeness_and_staleness(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter,
                               today: dt.date) -> tuple[list[tuple[str, int]], int, int]:
    """(count per completeness bucket, stale count, total): stale = not updated this quarter."""
    bucket = case(*((Customer.completeness <= high, label) for _, high, label in rules.COMPLETENESS_BUCKETS[:-1]),
                  else_=rules.COMPLETENESS_BUCKETS[-1][2])
    where = scope(actor, flt)
    counts = dict(session.execute(select(bucket, func.count()).where(where).group_by(bucket)).all())
    stale, total = session.execute(select(
        func.count().filter(Customer.updated_at < utc_start_of(rules.quarter_start(today))), func.count())
        .where(where)).one()
    return [(label, counts.get(label, 0)) for _, _, label in rules.COMPLETENESS_BUCKETS], stale, total


def drill_down(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter, dimension: str, value: str,
               *, overdue_on: dt.date | None = None) -> list[tuple[int, str, str, str, str]]:
    """The customers behind one bar: (id, name, 档案号, owner, region), at most DRILL_LIMIT."""
    label, joins = _dimension(dimension, flt.scheme_id)
    query = select(Customer.id, Customer.name, Customer.archive_no, func.coalesce(User.name, NO_OWNER),
                   Customer.province, Customer.city).select_from(Customer)
    for table, on in joins:
        if table is not User:
            query = query.outerjoin(table, on)
    query = query.outerjoin(User, User.id == Customer.owner_id)
    if overdue_on is not None:
        query = query.join(ContactStatus, ContactStatus.customer_id == Customer.id).where(
            ContactStatus.next_due < overdue_on)
    rows = session.execute(query.where(scope(actor, flt), label == value)
                           .order_by(Customer.updated_at.desc(), Customer.id.desc()).limit(DRILL_LIMIT))
    return [(cid, name, number, owner, " ".join(x for x in (province, city) if x))
            for cid, name, number, owner, province, city in rows]
