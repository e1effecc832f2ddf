"""Tables of the tracking discipline: follow-up records, visit plans, cadence rules, each
customer's contact status, and receivables (for payment reminders). Split from db/models.py to keep each file
readable; same Base.

Dates the user picks (跟进日期, 计划日期, 下次跟进) are stored as plain dates in the team's
time zone; moments (created_at, reviewed_at) are naive UTC like everywhere else.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models import Base, ClassValue, Customer, User, utcnow
from domain.followups import PLANNED


class FollowUp(Base):
    """跟进记录: one contact with a customer."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_customer_day", "customer_id", "day"),
                      Index("ix_follow_ups_review_queue", "reviewed_at", "day"),  # unreviewed, recent first
                      # A range of days, covering what the calendar and the weekly charts read.
                      Index("ix_follow_ups_day_cover", "day", "follower_id", "method", "customer_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    time: Mapped[Optional[dt.time]] = mapped_column(Time)
    method: Mapped[str] = mapped_column(String(20))
    topic: Mapped[Optional[str]] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    feedback: Mapped[Optional[str]] = mapped_column(Text)
    competitors: Mapped[Optional[str]] = mapped_column(Text)
    open_problems: Mapped[Optional[str]] = mapped_column(Text)
    next_step: Mapped[Optional[str]] = mapped_column(Text)
    next_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    companions: Mapped[Optional[str]] = mapped_column(String(200))
    follower_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    plan_id: Mapped[Optional[int]] = mapped_column(ForeignKey("visit_plans.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # 审阅: the manager's guidance on the record; reviewed_at None = not yet reviewed.
    review_comment: Mapped[Optional[str]] = mapped_column(Text)
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # A correction (db/followups.correct_follow_up) or a review based on an old version is refused.
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship()
    follower: Mapped[Optional[User]] = relationship(foreign_keys=[follower_id])
    reviewed_by: Mapped[Optional[User]] = relationship(foreign_keys=[reviewed_by_id])

    def __repr__(self) -> str:
        return f"FollowUp({self.id}, {self.customer_id}, {self.day})"


class VisitPlan(Base):
    """回访计划: a contact planned for a day; done when a follow-up answers it (FollowUp.plan_id)."""

    __tablename__ = "visit_plans"
    __table_args__ = (Index("ix_visit_plans_assignee_day", "assignee_id", "day"),
                      Index("ix_visit_plans_status_day", "status", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[Optional[str]] = mapped_column(String(200))
    topic: Mapped[Optional[str]] = mapped_column(String(100))
    assignee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=PLANNED)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # two people moving the same visit at once

    customer: Mapped[Customer] = relationship()
    assignee: Mapped[Optional[User]] = relationship(foreign_keys=[assignee_id])

    def __repr__(self) -> str:
        return f"VisitPlan({self.id}, {self.customer_id}, {self.day}, {self.status})"


class CadenceRule(Base):
    """跟进频率: at least ``times`` contacts by ``channel`` every ``every`` ``unit`` for one class."""

    __tablename__ = "cadence_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("class_values.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    times: Mapped[int] = mapped_column(Integer)
    every: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(10))

    value: Mapped[ClassValue] = relationship()


class ContactStatus(Base):
    """Per customer: the last contact per channel and the next due date by cadence.

    Kept by db/cadence.refresh_due on every follow-up and class change, so "overdue" is an
    indexed comparison (next_due < today) for lists, boards and charts.
    """

    __tablename__ = "contact_status"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    last_any: Mapped[Optional[dt.date]] = mapped_column(Date)
    last_phone: Mapped[Optional[dt.date]] = mapped_column(Date)
    last_visit: Mapped[Optional[dt.date]] = mapped_column(Date)
    next_due: Mapped[Optional[dt.date]] = mapped_column(Date, index=True)
    due_reason: Mapped[Optional[str]] = mapped_column(String(200))


class Receivable(Base):
    """应收账款: one invoice or delivery of a customer, its due date (账期) and what has been paid."""

    __tablename__ = "receivables"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    doc_no: Mapped[Optional[str]] = mapped_column(String(60))
    doc_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    paid: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    note: Mapped[Optional[str]] = mapped_column(String(200))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid
