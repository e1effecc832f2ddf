"""The database tables, as SQLAlchemy 2 typed models.

The customer card's own fields are not written here: each field of
domain/fields.py becomes one column of ``Customer`` (see ``_column_for``).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from domain import fields as F
from domain.review import PENDING


def utcnow() -> dt.datetime:
    """Naive UTC timestamp; shown in the team's time zone by domain/formatting."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    # Named constraints let alembic alter them on SQLite (batch mode).
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    supervisor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    email: Mapped[Optional[str]] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sessions and cookies issued before this moment (epoch seconds) are dead:
    # bumped by logout, password reset and disable.
    session_epoch: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    supervisor: Mapped[Optional["User"]] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"User({self.username!r}, role={self.role!r})"


class LoginAttempt(Base):
    """Wrong passwords in a row per typed username (known or not, so both lock alike)."""

    __tablename__ = "login_attempts"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)


class Setting(Base):
    """Installation-wide values such as the cookie signing key (never in git)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def _column_for(field: F.Field) -> Any:
    if field.kind in F.TEXT_KINDS - {F.LONGTEXT}:
        column_type: Any = String(max(field.max_length, 40))
    elif field.kind == F.LONGTEXT:
        column_type = Text()
    elif field.kind == F.INT:
        column_type = Integer()
    elif field.kind in (F.DECIMAL, F.PERCENT):
        column_type = Numeric(14, 2)
    elif field.kind == F.DATE:
        column_type = Date()
    elif field.kind == F.BOOL:
        column_type = Boolean()
    else:
        raise ValueError(f"no column type for {field.kind}")
    # Required-ness is a validation rule, not NOT NULL, so adding a field never breaks old rows.
    return mapped_column(column_type, nullable=True, comment=field.label,
                         index=field.name in ("province", "customer_type"))


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    archive_no: Mapped[str] = mapped_column(String(30), unique=True)
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    # The day the owner got the customer (claim, handover, assignment); the 公海 clock starts here
    # when it is later than the last follow-up (domain/pool.clock). None: the filing day.
    owner_since: Mapped[Optional[dt.date]] = mapped_column(Date)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    review_state: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    review_comment: Mapped[Optional[str]] = mapped_column(Text)
    # No index on is_active: nearly every archive is active, and SQLite (never ANALYZEd) would pick it
    # over updated_at for the newest-first lists (bench/board_bench.py).
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    completeness: Mapped[int] = mapped_column(Integer, default=0)
    # Normalised keys for the duplicate check (domain/normalize.py).
    name_key: Mapped[str] = mapped_column(String(120), index=True, default="")
    phone_key: Mapped[str] = mapped_column(String(40), index=True, default="")
    tax_key: Mapped[str] = mapped_column(String(40), index=True, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # Optimistic locking: a save based on an old version fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}
    # 删除 is a soft delete (db/personal_data.py; who did it: the 历史): the row and its history stay, the archive
    # leaves every list, search and export, and its 税号 is free again (the partial unique index below).
    deleted_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    deleted_reason: Mapped[Optional[str]] = mapped_column(Text)
    __table_args__ = (Index("uq_customers_live_tax_key", "tax_key", unique=True,
                            sqlite_where=text("deleted_at IS NULL AND tax_key <> ''"),
                            postgresql_where=text("deleted_at IS NULL AND tax_key <> ''")),)

    # One column per field of the archive registry (domain/fields.py).
    for _field in F.ARCHIVE_FIELDS:
        vars()[_field.name] = _column_for(_field)
    del _field

    owner: Mapped[Optional[User]] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[Optional[User]] = relationship(foreign_keys=[created_by_id])
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contact.id")
    products: Mapped[list["CustomerProduct"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CustomerProduct.id")
    competitors: Mapped[list["CompetitorProduct"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="CompetitorProduct.id")
    sales: Mapped[list["MonthlySales"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan",
        order_by="(MonthlySales.year, MonthlySales.product, MonthlySales.month)")
    classes: Mapped[list["CustomerClass"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan")

    def field_values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in F.ARCHIVE_FIELDS}

    def __repr__(self) -> str:
        return f"Customer({self.archive_no!r}, {getattr(self, 'name', None)!r})"


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[Optional[str]] = mapped_column(String(20))
    title: Mapped[Optional[str]] = mapped_column(String(40))
    mobile: Mapped[Optional[str]] = mapped_column(String(40))
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    birthday: Mapped[Optional[dt.date]] = mapped_column(Date)
    hobbies: Mapped[Optional[str]] = mapped_column(String(200))
    education: Mapped[Optional[str]] = mapped_column(String(40))
    notes: Mapped[Optional[str]] = mapped_column(Text)
    mobile_key: Mapped[str] = mapped_column(String(40), index=True, default="")
    phone_key: Mapped[str] = mapped_column(String(40), index=True, default="")
    # Set when the person asked to be forgotten (个人信息保护法): the row stays for the business history.
    anonymised_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class CustomerProduct(Base):
    """A product the customer carries (进店产品)."""

    __tablename__ = "customer_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product: Mapped[str] = mapped_column(String(80))
    purchase_price: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    shelf_price: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    supplier: Mapped[Optional[str]] = mapped_column(String(80))

    customer: Mapped[Customer] = relationship(back_populates="products")


class CompetitorProduct(Base):
    """A competing product on the customer's shelf (竞品), with its tier and price."""

    __tablename__ = "competitor_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product: Mapped[str] = mapped_column(String(80))
    tier: Mapped[Optional[str]] = mapped_column(String(10))
    price: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    notes: Mapped[Optional[str]] = mapped_column(String(200))

    customer: Mapped[Customer] = relationship(back_populates="competitors")


class MonthlySales(Base):
    """月度销量: quantity of one product in one month of one year."""

    __tablename__ = "monthly_sales"
    __table_args__ = (UniqueConstraint("customer_id", "year", "product", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    product: Mapped[str] = mapped_column(String(80))
    month: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)

    customer: Mapped[Customer] = relationship(back_populates="sales")


class ArchiveSequence(Base):
    """The last 档案号 sequence used per region and year; only ever goes up."""

    __tablename__ = "archive_sequences"

    region: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class ClassScheme(Base):
    """A classification scheme (重要性, 价值等级, …); schemes are data, see db/seed.py."""

    __tablename__ = "class_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Ranked: the class order is best → worst, so a move down the list is a downgrade (needs a reason).
    is_ranked: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # two admins editing the scheme at once: the second is told

    values: Mapped[list["ClassValue"]] = relationship(
        back_populates="scheme", order_by="ClassValue.sort_order")


class ClassValue(Base):
    __tablename__ = "class_values"
    __table_args__ = (UniqueConstraint("scheme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("class_schemes.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(40))
    meaning: Mapped[Optional[str]] = mapped_column(String(200))
    color: Mapped[Optional[str]] = mapped_column(String(20))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # Terminal classes (流失, 计划淘汰): moving a customer there always needs a reason.
    is_terminal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # 公海: untended this many days, a holder returns to the pool (None: the default, domain/pool.py).
    pool_days: Mapped[Optional[int]] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    scheme: Mapped[ClassScheme] = relationship(back_populates="values")


class CustomerClass(Base):
    """The class a customer has in one scheme."""

    __tablename__ = "customer_classes"
    # A column of the board: who is in class value_id of scheme_id (and who is in none).
    __table_args__ = (Index("ix_customer_classes_scheme_value", "scheme_id", "value_id", "customer_id"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("class_schemes.id"), primary_key=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("class_values.id"), index=True)

    customer: Mapped[Customer] = relationship(back_populates="classes")
    value: Mapped[ClassValue] = relationship()


class ClassMovement(Base):
    """The class-movement log: a customer moved from one class to another in a scheme, by whom and why."""

    __tablename__ = "class_movements"
    __table_args__ = (Index("ix_class_movements_scheme_at", "scheme_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("class_schemes.id"))
    from_value_id: Mapped[Optional[int]] = mapped_column(ForeignKey("class_values.id"))
    to_value_id: Mapped[Optional[int]] = mapped_column(ForeignKey("class_values.id"))
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[Optional[str]] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"ClassMovement({self.customer_id}, {self.from_value_id}→{self.to_value_id})"


class AuditEvent(Base):
    """One entry of the history (历史): who did what, when, why, and what changed."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    entity: Mapped[str] = mapped_column(String(20))  # "customer" | "user"
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    reason: Mapped[Optional[str]] = mapped_column(Text)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The archive's version this entry's save produced (edits): a conflict message lists exactly the
    # saves made after the version the user's form was filled from.
    version: Mapped[Optional[int]] = mapped_column(Integer)
    # Set on the entries an import wrote, so the import can be undone from its history.
    import_id: Mapped[Optional[int]] = mapped_column(ForeignKey("import_batches.id"), index=True)

    actor: Mapped[Optional[User]] = relationship()
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)


class ImportBatch(Base):
    """One import of a workbook: who, which file, the options and the counts; undone or not."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    file_name: Mapped[str] = mapped_column(String(200))
    sheet: Mapped[Optional[str]] = mapped_column(String(100))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    undone_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    undone_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    actor: Mapped[Optional[User]] = relationship(foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"ImportBatch({self.id}, {self.file_name!r})"


class ImportTemplate(Base):
    """A saved column mapping ({header: target}) for workbooks of the same layout."""

    __tablename__ = "import_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    header_row: Mapped[Optional[int]] = mapped_column(Integer)
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    defaults: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {field: {office word: choice}}, e.g. {"customer_type": {"其他终端": "其他"}} (domain/import_values.py)
    value_map: Mapped[Optional[dict[str, dict[str, str]]]] = mapped_column(JSON)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"ImportTemplate({self.name!r})"
