"""Tables about who looked at what: the reading log (查阅记录) of customers' sensitive data."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Index, String
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
