"""市场与竞品 notes: writing them and finding them. A note about one customer is shown only to those
who may see that customer; a note about a region to everyone."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session, joinedload

from db import visibility
from db.archive_queries import get_customer
from db.audit import record
from db.models import Customer
from db.models_papers import MarketNote
from db.search import contains
from db.volumes import check_not_frozen
from domain import market as M
from domain import permissions
from domain.formatting import local_today

SHOWN = 200


def add_note(session: Session, actor: permissions.Actor, data: M.MarketNoteInput) -> MarketNote:
    M.check_note(data, local_today())
    check_not_frozen(session, actor, data.day)
    province, city = data.province, data.city.strip() or None
    if data.customer_id is not None:
        customer = get_customer(session, actor, data.customer_id)
        province, city = province or customer.province, city or customer.city
    note = MarketNote(day=data.day, province=province, city=city, customer_id=data.customer_id,
                      competitor=data.competitor.strip()[:80], product=data.product.strip()[:80] or None,
                      price=data.price, topic=data.topic, content=data.content.strip(), author_id=actor.id)
    session.add(note)
    session.flush()
    if data.customer_id is not None:
        record(session, actor_id=actor.id, entity="customer", entity_id=data.customer_id, action="market_note",
               changes=[{"field": "市场与竞品", "label": "市场与竞品", "old": None,
                         "new": f"{data.day} {note.competitor} {data.topic}：{note.content[:80]}"}])
    return note


def _readable(actor: permissions.Actor):
    visible = select(Customer.id).where(visibility.visible_customers(actor))
    return or_(MarketNote.customer_id.is_(None), MarketNote.customer_id.in_(visible))


def search_notes(session: Session, actor: permissions.Actor, *, text: str = "", province: str | None = None,
                 start: dt.date | None = None, end: dt.date | None = None) -> list[MarketNote]:
    query = (select(MarketNote).options(joinedload(MarketNote.author), joinedload(MarketNote.customer))
             .where(_readable(actor)))
    if text.strip():
        wanted = text.strip()
        query = query.where(or_(*(contains(column, wanted) for column in (
            MarketNote.competitor, MarketNote.product, MarketNote.content, MarketNote.city))))
    if province:
        query = query.where(MarketNote.province == province)
    if start:
        query = query.where(MarketNote.day >= start)
    if end:
        query = query.where(MarketNote.day <= end)
    return list(session.scalars(query.order_by(MarketNote.day.desc(), MarketNote.id.desc()).limit(SHOWN)))


def for_customer(session: Session, actor: permissions.Actor, customer: Customer, limit: int = 10) -> list[MarketNote]:
    """The card's 市场动态: notes on this customer, then on its city, newest first."""
    same_city = (MarketNote.customer_id.is_(None) & (MarketNote.city == customer.city)) if customer.city else false()
    near = or_(MarketNote.customer_id == customer.id, same_city)
    return list(session.scalars(select(MarketNote).options(joinedload(MarketNote.author))
                                .where(near, _readable(actor))
                                .order_by(MarketNote.day.desc(), MarketNote.id.desc()).limit(limit)))
