"""What the follow-up calendar shows for one date range and filter — asked of the database for
exactly that range, and summed per day when a kind has more items than the widget can show."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from db import visibility
from db.models import Customer, CustomerClass
from db.models_followups import ContactStatus, FollowUp, VisitPlan
from domain import calendar as cal
from domain import permissions
from domain.followups import PLANNED


@dataclass
class CalendarItem:
    kind: str                 # domain.calendar PLAN, OVERDUE_PLAN, FOLLOW_UP, DUE or COUNT
    key: str                  # plan / follow-up / customer id, or "kind:day" for a count
    day: dt.date
    title: str
    time: dt.time | None = None
    customer_id: int | None = None
    movable: bool = False     # a planned visit can be dragged to another day
    version: int | None = None  # a plan's version when read: a drag after someone else's change is refused


@dataclass
class CalendarFilter:
    rep_id: int | None = None        # whose plans, records and customers
    class_value_id: int | None = None


def _members(value_id: int) -> Select:
    """The customers of one class — as IN, not a correlated EXISTS: SQLite would scan the class per row."""
    return select(CustomerClass.customer_id).where(CustomerClass.value_id == value_id)


def _scoped(query: Select, actor: permissions.Actor, flt: CalendarFilter) -> Select:
    query = query.where(Customer.is_active.is_(True), visibility.visible_customers(actor))
    if flt.class_value_id is not None:
        query = query.where(Customer.id.in_(_members(flt.class_value_id)))
    return query


def calendar_items(session: Session, actor: permissions.Actor, start: dt.date, end: dt.date, flt: CalendarFilter,
                   today: dt.date) -> list[CalendarItem]:
    """Plans (open), follow-ups and cadence due dates with ``start`` ≤ day < ``end``.

    Plans and due dates are those of the active customers in view; follow-ups are the work of the
    people in view (a manager's team, a rep's own), also on customers since deactivated."""
    plans = _scoped(select(VisitPlan.id, VisitPlan.day, VisitPlan.method, Customer.id, Customer.name, VisitPlan.version)
                    .join(Customer, Customer.id == VisitPlan.customer_id)
                    .where(VisitPlan.status == PLANNED, VisitPlan.day >= start, VisitPlan.day < end), actor, flt)
    # Follow-ups: the work of the people in view, read (and counted) from the covering index.
    in_range = [FollowUp.day >= start, FollowUp.day < end]
    if (people := visibility.people_in_view(actor)) is not None:
        in_range.append(FollowUp.follower_id.in_(people))
    if flt.class_value_id is not None:
        in_range.append(FollowUp.customer_id.in_(_members(flt.class_value_id)))
    records_counted = select(FollowUp.day).where(*in_range)
    records = (select(FollowUp.id, FollowUp.day, FollowUp.method, Customer.id, Customer.name, FollowUp.time)
               .join(Customer, Customer.id == FollowUp.customer_id).where(*in_range))
    dues = _scoped(select(Customer.id, ContactStatus.next_due, Customer.name)
                   .join(ContactStatus, ContactStatus.customer_id == Customer.id)
                   .where(ContactStatus.next_due >= start, ContactStatus.next_due < end), actor, flt)
    if flt.rep_id is not None:
        plans = plans.where(VisitPlan.assignee_id == flt.rep_id)
        records = records.where(FollowUp.follower_id == flt.rep_id)
        records_counted = records_counted.where(FollowUp.follower_id == flt.rep_id)
        dues = dues.where(Customer.owner_id == flt.rep_id)

    items: list[CalendarItem] = []
    if (counted := _per_day(session, plans, VisitPlan.day, cal.PLAN, "回访计划")) is not None:
        items += counted
    else:
        for plan_id, day, method, customer_id, name, version in session.execute(plans):
            kind = cal.OVERDUE_PLAN if day < today else cal.PLAN
            items.append(CalendarItem(kind, str(plan_id), day, f"回访·{name}（{method}）", customer_id=customer_id,
                                      movable=True, version=version))
    if (counted := _per_day(session, records_counted, FollowUp.day, cal.FOLLOW_UP, "跟进记录")) is not None:
        items += counted
    else:
        items += [CalendarItem(cal.FOLLOW_UP, str(record_id), day, f"{method}·{name}", time=at, customer_id=customer_id)
                  for record_id, day, method, customer_id, name, at in session.execute(records)]
    if (counted := _per_day(session, dues, ContactStatus.next_due, cal.DUE, "应跟进客户")) is not None:
        items += counted
    else:
        items += [CalendarItem(cal.DUE, str(customer_id), day, f"应跟进·{name}", customer_id=customer_id)
                  for customer_id, day, name in session.execute(dues)]
    return items


def _per_day(session: Session, query: Select, day_column, kind: str, label: str) -> list[CalendarItem] | None:
    """None when the range holds few enough items to show one by one; else one count per day
    (one GROUP BY either way: the per-day counts also tell how many there are)."""
    per_day = session.execute(query.with_only_columns(day_column, func.count()).group_by(day_column)
                              .order_by(day_column)).all()
    if sum(count for _, count in per_day) <= cal.DETAIL_LIMIT:
        return None
    return [CalendarItem(cal.COUNT, f"{kind}:{day}", day, f"{label} {count} 条") for day, count in per_day]
