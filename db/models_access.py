"""Tables about who looked at what: the reading log (查阅记录) of customers' sensitive data."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models import Base, Customer, User, utcnow


class ReadEvent(Base):
    """Someone opened a customer's archive (its phones, bank and tax data are on the card)."""

    __tablename__ = "read_events"
    LOG_ONLY = True  # opening an archive must not empty the dashboard's cache (db/engine.data_version)
    __table_args__ = (Index("ix_read_events_customer_at", "customer_id", "at"),
                      Index("ix_read_events_user_at", "user_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    what: Mapped[str] = mapped_column(String(40))  # e.g. 打开档案


class PoolEvent(Base):
    """A customer entered or left someone's hands through the 公海: claimed, returned by the sweep, released.

    Counts the day's claims and enforces the reclaim ban (domain/pool.claim_refusal).
    """

    __tablename__ = "pool_events"
    __table_args__ = (Index("ix_pool_events_user_action_day", "user_id", "action", "day"),
                      Index("ix_pool_events_customer_user", "customer_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    day: Mapped[dt.date] = mapped_column(Date)  # the team's calendar day
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))  # who claimed, or who lost it
    action: Mapped[str] = mapped_column(String(10))  # claim | return | release


class AccessGrant(Base):
    """借阅: someone asked to read an archive they cannot see, until a return date; the owner's
    supervisor approved or refused it. An approved grant ends by itself after ``until``."""

    __tablename__ = "access_grants"
    __table_args__ = (Index("ix_access_grants_user_state", "user_id", "state", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who asked (and reads, once approved)
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[dt.date] = mapped_column(Date)  # 归还日期: the last day of access
    state: Mapped[str] = mapped_column(String(12))  # domain/access.py: pending | approved | refused | returned
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    comment: Mapped[Optional[str]] = mapped_column(Text)

    customer: Mapped[Customer] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])


class ServiceScope(Base):
    """What the admin lets a customer-service user see: one manager's team, or (manager None) everyone."""

    __tablename__ = "service_scopes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    manager_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))


class RefusedAttempt(Base):
    """Something a user tried and was refused (another rep's customer by URL, an export beyond scope…)."""

    __tablename__ = "refused_attempts"
    LOG_ONLY = True

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    customer_id: Mapped[Optional[int]] = mapped_column(Integer)  # no foreign key: the id may not exist
    page: Mapped[Optional[str]] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)


class PendingChange(Base):
    """A rep's change to sensitive fields (信用额度, 账期, bank data) waiting for the supervisor."""

    __tablename__ = "pending_changes"
    __table_args__ = (Index("ix_pending_changes_customer_state", "customer_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)   # [{field, label, old, new}] as displayed
    new_values: Mapped[dict[str, Any]] = mapped_column(JSON)      # {field: new value} to apply
    state: Mapped[str] = mapped_column(String(10), index=True)    # domain/signoff.py
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    comment: Mapped[Optional[str]] = mapped_column(Text)

    requested_by: Mapped[Optional[User]] = relationship(foreign_keys=[requested_by_id])


class FormSubmission(Base):
    """A create form's submission, recorded in the same transaction as what it created, so the same
    submission arriving twice (a double click, a rerun that raced the first) creates nothing more
    (db/submissions.py)."""

    __tablename__ = "form_submissions"
    LOG_ONLY = True

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
