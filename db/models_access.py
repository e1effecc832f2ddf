"""Tables about who looked at what: the reading log (查阅记录) of customers' sensitive data."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, utcnow


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
