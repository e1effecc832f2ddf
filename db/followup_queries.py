"""Reading follow-ups, plans and what is due: an archive's 跟进 tab and each user's 今日待办.

Every query is limited in the database to what the user may see (domain/permissions.py) and
to what is shown (a date range, the first N rows with a total).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, extract, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from db import visibility
from db.archive_queries import get_customer
from db.cadence import escalate_after_days
from db.complaints import open_for_handler
from db.contracts import ending_soon
from db.models import Contact, Customer, User
from db.models_followups import ContactStatus, FollowUp, VisitPlan
from db.paging import SHOWN, Rows, first_rows
from db.pool import returning_soon
from db.receivables import due_soon
from domain import cadence, permissions
from domain.followups import PLANNED, REVIEW_WINDOW_DAYS, VISIT_METHODS
from domain.roles import SUPERVISORS


@dataclass
class Timeline:
    follow_ups: list[FollowUp]
    plans: list[VisitPlan]           # open plans first, then the latest done/cancelled
    status: ContactStatus | None


def timeline(session: Session, customer_id: int, limit: int = 200) -> Timeline:
    """One archive's records and plans (the caller has already checked the archive is visible)."""
    follow_ups = list(session.scalars(
        select(FollowUp).options(joinedload(FollowUp.follower), joinedload(FollowUp.reviewed_by))
        .where(FollowUp.customer_id == customer_id)
        .order_by(FollowUp.day.desc(), FollowUp.id.desc()).limit(limit)))
    plans = list(session.scalars(
        select(VisitPlan).options(joinedload(VisitPlan.assignee)).where(VisitPlan.customer_id == customer_id)
        .order_by((VisitPlan.status != PLANNED), VisitPlan.day.desc()).limit(limit)))
    return Timeline(follow_ups, plans, session.get(ContactStatus, customer_id))


@dataclass
class Agenda:
    plans: Rows                      # my planned visits due today or overdue
    due: Rows                        # my customers due by cadence today or overdue
    to_review: Rows                  # my team's recent visit records without 审阅意见 (supervisors)
    escalated: Rows                  # my team's customers overdue ≥ escalation days (supervisors)
    payments: Rows                   # receivables of my customers due within 3 days
    birthdays: list[tuple[Contact, Customer]] = field(default_factory=list)
    escalate_after: int = cadence.ESCALATE_AFTER_DAYS
    returning: Rows = field(default_factory=lambda: Rows([], 0))  # mine about to return to the 公海 (db/pool.py)
    complaints: list = field(default_factory=list)  # complaints I handle, not closed yet (db/complaints.py)
    contracts: list = field(default_factory=list)   # my customers' contracts ending within 30 days (db/contracts.py)


def due_customers(actor: permissions.Actor, until: dt.date) -> Select:
    """(Customer, ContactStatus) of active customers ``actor`` may see, due on or before ``until``."""
    return (select(Customer, ContactStatus).join(ContactStatus, ContactStatus.customer_id == Customer.id)
            .where(ContactStatus.next_due <= until, Customer.is_active.is_(True),
                   visibility.visible_customers(actor))
            .order_by(ContactStatus.next_due, Customer.id))


def agenda(session: Session, actor: permissions.Actor, today: dt.date) -> Agenda:
    plans = first_rows(session, select(VisitPlan, Customer).join(Customer, Customer.id == VisitPlan.customer_id)
                  .where(VisitPlan.assignee_id == actor.id, VisitPlan.status == PLANNED, VisitPlan.day <= today,
                         Customer.is_active.is_(True))
                  .order_by(VisitPlan.day, VisitPlan.id))
    due = first_rows(session, due_customers(actor, today).where(Customer.owner_id == actor.id))
    days = escalate_after_days(session)
    to_review = escalated = Rows([], 0)
    if actor.role in SUPERVISORS:
        follower = aliased(User)
        to_review = first_rows(session, select(FollowUp, Customer, follower)
                          .join(Customer, Customer.id == FollowUp.customer_id)
                          .join(follower, follower.id == FollowUp.follower_id)
                          .where(FollowUp.reviewed_at.is_(None), FollowUp.method.in_(VISIT_METHODS),
                                 FollowUp.day >= today - dt.timedelta(days=REVIEW_WINDOW_DAYS),
                                 visibility.reviewable_follow_ups(actor, follower.id, follower.supervisor_id))
                          .order_by(FollowUp.day.desc(), FollowUp.id.desc()))
        owner = aliased(User)
        escalated = first_rows(session, select(Customer, ContactStatus, owner)
                          .join(ContactStatus, ContactStatus.customer_id == Customer.id)
                          .join(owner, owner.id == Customer.owner_id)
                          .where(ContactStatus.next_due <= today - dt.timedelta(days=days),
                                 Customer.is_active.is_(True), owner.id != actor.id,
                                 visibility.reviewable_follow_ups(actor, owner.id, owner.supervisor_id))
                          .order_by(ContactStatus.next_due, Customer.id))
    return Agenda(plans, due, to_review, escalated, due_soon(session, actor, today),
                  birthdays_this_week(session, actor, today), days, returning_soon(session, actor, today),
                  open_for_handler(session, actor), ending_soon(session, actor, today))


def birthdays_this_week(session: Session, actor: permissions.Actor, today: dt.date) -> list[tuple[Contact, Customer]]:
    """生日关怀: contacts of ``actor``'s own active customers whose birthday falls in the next 7 days."""
    order = {((d := today + dt.timedelta(days=i)).month, d.day): i for i in range(7)}
    if (2, 28) in order and not calendar.isleap(today.year + (today.month == 12)):
        order[(2, 29)] = order[(2, 28)]  # born on 29 February: celebrated on the 28th in other years
    on_a_day = or_(*(and_(extract("month", Contact.birthday) == month, extract("day", Contact.birthday) == day)
                     for month, day in order))
    rows = session.execute(select(Contact, Customer).join(Customer, Customer.id == Contact.customer_id)
                           .where(Customer.owner_id == actor.id, Customer.is_active.is_(True),
                                  Contact.birthday.is_not(None), on_a_day).limit(SHOWN)).all()
    return sorted(((c, cu) for c, cu in rows), key=lambda r: order[(r[0].birthday.month, r[0].birthday.day)])


def follow_up_summary(session: Session, actor: permissions.Actor, follow_up_id: int) -> str:
    """What a follow-up said, for whoever may see its customer (the archive's rules, loans included)."""
    record = session.get(FollowUp, follow_up_id)
    if record is None:
        return ""
    get_customer(session, actor, record.customer_id)
    return record.summary
