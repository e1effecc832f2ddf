"""The classification board: per class of a scheme, the count and the first cards, most urgent first.

Counts are one GROUP BY; each column loads at most ``per_column`` cards (the longest overdue first,
then the most recently changed), so the board never sends the whole archive to the browser.
Visibility comes from domain/permissions.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from db.archive_queries import CustomerFilter, filtered_query
from db.models import ClassValue, Customer, CustomerClass, User
from db.models_followups import ContactStatus
from domain import permissions
from domain.cadence import ContactNote, contact_note
from domain.formatting import local_today

PER_COLUMN = 8  # a compact board: the most urgent few per class, 更多 for the next ones
UNCLASSIFIED = "未分类"


@dataclass
class BoardCard:
    id: int
    name: str
    archive_no: str
    owner: str
    region: str
    updated_at: dt.datetime
    last_contact: dt.date | None = None  # 上次跟进 (any kind of contact)
    overdue_days: int = 0                # past the cadence's due date (0: not overdue)
    note: ContactNote | None = None      # what is due by which contact (domain/cadence.contact_note)

    def contact_text(self) -> str:
        return (self.note or contact_note(None, dt.date.min)).short


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
    where = filtered_query(actor, CustomerFilter(search=flt.search, province=flt.province,
                                                 customer_type=flt.customer_type, owner_id=flt.owner_id,
                                                 status="active")).whereclause
    in_scheme = and_(CustomerClass.customer_id == Customer.id, CustomerClass.scheme_id == scheme_id)
    counts = dict(session.execute(select(CustomerClass.value_id, func.count()).select_from(Customer)
                                  .join(CustomerClass, in_scheme).where(where)
                                  .group_by(CustomerClass.value_id)).all())
    total = session.scalar(select(func.count()).select_from(Customer).where(where)) or 0
    columns = [BoardColumn(v.id, v.name, v.color, counts.get(v.id, 0))
               for v in session.scalars(select(ClassValue).where(ClassValue.scheme_id == scheme_id)
                                        .order_by(ClassValue.sort_order))
               if not v.is_retired or counts.get(v.id)]
    columns.append(BoardColumn(None, UNCLASSIFIED, None, total - sum(counts.values())))
    if total <= RANKED_UP_TO:
        ids = _first_ids_ranked(session, where, in_scheme, per_column)
    else:
        ids = {column.value_id: _first_ids(session, where, scheme_id, column.value_id, per_column)
               for column in columns if column.count}
    cards = _cards(session, [i for column_ids in ids.values() for i in column_ids])
    for column in columns:
        column.cards = [cards[i] for i in ids.get(column.value_id, [])]
    return columns


# Below this many matching customers one window query ranks every column at once; above it each
# column's first cards come from its own indexed query (customers.updated_at, customer_classes'
# (scheme_id, value_id, customer_id)). Measured by bench/board_bench.py: both ways agree, and each
# is the faster one on its side of the line.
RANKED_UP_TO = 20_000
URGENT_FIRST = (ContactStatus.next_due.asc().nulls_last(), Customer.updated_at.desc(), Customer.id.desc())


def _first_ids_ranked(session: Session, where, in_scheme, limit: int) -> dict[int | None, list[int]]:
    """The first ``limit`` customer ids of every class (None: 未分类), most urgent first, in one window query."""
    rank = func.row_number().over(partition_by=CustomerClass.value_id, order_by=URGENT_FIRST)
    ranked = (select(Customer.id, CustomerClass.value_id, rank.label("rank")).select_from(Customer)
              .outerjoin(CustomerClass, in_scheme).outerjoin(ContactStatus, ContactStatus.customer_id == Customer.id)
              .where(where).subquery())
    ids: dict[int | None, list[int]] = {}
    for customer_id, value_id in session.execute(select(ranked.c.id, ranked.c.value_id)
                                                 .where(ranked.c.rank <= limit).order_by(ranked.c.rank)):
        ids.setdefault(value_id, []).append(customer_id)
    return ids


def _first_ids(session: Session, where, scheme_id: int, value_id: int | None, limit: int) -> list[int]:
    """The first ``limit`` customer ids of one class (None: 未分类), most urgent first."""
    has_class = select(CustomerClass.customer_id).where(CustomerClass.customer_id == Customer.id,
                                                        CustomerClass.scheme_id == scheme_id)
    if value_id is None:
        in_column = ~has_class.exists()
    else:
        in_column = has_class.where(CustomerClass.value_id == value_id).exists()
    return list(session.scalars(select(Customer.id).outerjoin(ContactStatus, ContactStatus.customer_id == Customer.id)
                                .where(where, in_column).order_by(*URGENT_FIRST).limit(limit)))


def _cards(session: Session, ids: list[int]) -> dict[int, BoardCard]:
    today = local_today()
    rows = session.execute(select(Customer.id, Customer.name, Customer.archive_no, User.name, Customer.province,
                                  Customer.city, Customer.updated_at, ContactStatus)
                           .outerjoin(User, User.id == Customer.owner_id)
                           .outerjoin(ContactStatus, ContactStatus.customer_id == Customer.id)
                           .where(Customer.id.in_(ids)))
    cards = {}
    for cid, name, number, owner, province, city, updated_at, status in rows:
        note = contact_note(status, today)
        cards[cid] = BoardCard(cid, name, number, owner or "（无）", " ".join(x for x in (province, city) if x),
                               updated_at, status.last_any if status else None, note.late, note)
    return cards
