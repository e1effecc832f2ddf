"""The classification board: per class of a scheme, the count and the first cards.

Counts are one GROUP BY; each column loads at most ``per_column`` cards, so the board never
sends the whole archive to the browser. Visibility comes from domain/permissions.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from db.archive_queries import CustomerFilter, filtered_query
from db.models import ClassValue, Customer, CustomerClass
from domain import permissions

PER_COLUMN = 50
UNCLASSIFIED = "未分类"


@dataclass
class BoardCard:
    id: int
    name: str
    archive_no: str
    owner: str
    region: str
    updated_at: dt.datetime


@dataclass
class BoardColumn:
    value_id: int | None  # None: customers without a class in this scheme
    name: str
    color: str | None
    count: int
    cards: list[BoardCard] = field(default_factory=list)


def load_board(session: Session, actor: permissions.Actor, scheme_id: int, flt: CustomerFilter,
               per_column: int = PER_COLUMN) -> list[BoardColumn]:
    """The columns of ``scheme_id`` (retired classes only while customers still hold them), then 未分类."""
    customers = filtered_query(actor, CustomerFilter(search=flt.search, province=flt.province,
                                                     customer_type=flt.customer_type, owner_id=flt.owner_id,
                                                     status="active")).subquery()
    in_scheme = and_(CustomerClass.customer_id == customers.c.id, CustomerClass.scheme_id == scheme_id)
    counts = dict(session.execute(select(CustomerClass.value_id, func.count()).select_from(customers)
                                  .join(CustomerClass, in_scheme).group_by(CustomerClass.value_id)).all())
    total = session.scalar(select(func.count()).select_from(customers)) or 0
    columns = [BoardColumn(v.id, v.name, v.color, counts.get(v.id, 0))
               for v in session.scalars(select(ClassValue).where(ClassValue.scheme_id == scheme_id)
                                        .order_by(ClassValue.sort_order))
               if not v.is_retired or counts.get(v.id)]
    columns.append(BoardColumn(None, UNCLASSIFIED, None, total - sum(counts.values())))
    for column in columns:
        if column.count:
            column.cards = _cards(session, customers, scheme_id, column.value_id, per_column)
    return columns


def _cards(session: Session, customers, scheme_id: int, value_id: int | None, limit: int) -> list[BoardCard]:
    query = select(Customer).join(customers, customers.c.id == Customer.id).options(selectinload(Customer.owner))
    classes = select(CustomerClass.customer_id).where(CustomerClass.scheme_id == scheme_id)
    if value_id is None:
        query = query.where(Customer.id.not_in(classes))
    else:
        query = query.where(Customer.id.in_(classes.where(CustomerClass.value_id == value_id)))
    rows = session.scalars(query.order_by(Customer.updated_at.desc(), Customer.id.desc()).limit(limit))
    return [BoardCard(c.id, c.name, c.archive_no, c.owner.name if c.owner else "（无）",
                      " ".join(x for x in (c.province, c.city) if x), c.updated_at) for c in rows]
