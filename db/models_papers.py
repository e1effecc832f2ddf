"""The archive's other volumes: complaints and discounts, contracts, documents, market notes and
the yearly closing (the six categories of the archive policy, DOMAIN.md §4)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models import Base, Customer, User, utcnow


class Complaint(Base):
    """投诉记录: 待处理 → 处理中 → 已解决 → 已回访 (domain/complaints.py)."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_state_handler", "state", "handler_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text)
    handler_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(10))
    resolution: Mapped[Optional[str]] = mapped_column(Text)
    responsibility: Mapped[Optional[str]] = mapped_column(String(20))   # 责任鉴定
    satisfaction: Mapped[Optional[str]] = mapped_column(String(10))
    return_plan_id: Mapped[Optional[int]] = mapped_column(ForeignKey("visit_plans.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship()
    handler: Mapped[Optional[User]] = relationship(foreign_keys=[handler_id])


class Discount(Base):
    """折价/让利: a price concession on a customer, approved by a manager (never its requester)."""

    __tablename__ = "discounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reason: Mapped[str] = mapped_column(Text)
    complaint_id: Mapped[Optional[int]] = mapped_column(ForeignKey("complaints.id"))
    state: Mapped[str] = mapped_column(String(10), index=True)
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    comment: Mapped[Optional[str]] = mapped_column(Text)

    requested_by: Mapped[Optional[User]] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])


class Contract(Base):
    """合同与协议: number, type, signed, term, amount, terms."""

    __tablename__ = "contracts"
    __table_args__ = (Index("ix_contracts_ends_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    signed_on: Mapped[dt.date] = mapped_column(Date)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # None: open-ended
    amount: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2))
    terms: Mapped[Optional[str]] = mapped_column(Text)
    long_term: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[Customer] = relationship()


class Document(Base):
    """An attached file (营业执照, contract scan, shop-front photo…). The bytes live outside the rows, in
    the documents folder under their SHA-256 (db/documents.py); a replaced file keeps its predecessor."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_customer_current", "customer_id", "replaced_by_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    category: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))      # pdf | png | jpeg | xlsx | … (by content)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[Optional[str]] = mapped_column(String(200))
    replaces_id: Mapped[Optional[int]] = mapped_column(ForeignKey("documents.id"))       # its predecessor
    replaced_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("documents.id"))    # None: the current version
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    uploaded_by: Mapped[Optional[User]] = relationship(foreign_keys=[uploaded_by_id])


class MarketNote(Base):
    """市场与竞品: a dated note on competitors' products, prices, promotions and policies, for a region
    or one customer (the market-walk reports)."""

    __tablename__ = "market_notes"
    __table_args__ = (Index("ix_market_notes_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    province: Mapped[Optional[str]] = mapped_column(String(20))
    city: Mapped[Optional[str]] = mapped_column(String(40))
    customer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("customers.id"), index=True)
    competitor: Mapped[str] = mapped_column(String(80))        # brand / company
    product: Mapped[Optional[str]] = mapped_column(String(80))
    price: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    topic: Mapped[str] = mapped_column(String(10))             # 价格 | 促销 | 政策 | 新品 | 其它
    content: Mapped[str] = mapped_column(Text)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[Optional[User]] = relationship()
    customer: Mapped[Optional[Customer]] = relationship()


class ClosedYear(Base):
    """年度归档: a year closed into volumes; its records are frozen (corrections: a manager, with history)."""

    __tablename__ = "closed_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    closed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[Optional[str]] = mapped_column(Text)
