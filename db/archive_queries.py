"""Reading archives: one customer, the paged list, the duplicate check, the review queue.

Every query that returns customers to a user is filtered by
``db.visibility.visible_customers`` in the database.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Sequence

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from db import visibility
from db.models import ClassScheme, ClassValue, Contact, Customer, CustomerClass, User
from db.models_followups import ContactStatus
from db.search import contains
from domain import fields as F
from domain import permissions
from domain.errors import NotFound, PermissionDenied
from domain.formatting import local_today
from domain.matches import NOT_VISIBLE
from domain.normalize import normalize_name, normalize_phone, normalize_tax_no
from domain.review import PENDING

PAGE_SIZE = 50
SORTS = {
    "updated_desc": (Customer.updated_at.desc(), "最近更新"),
    "created_desc": (Customer.created_at.desc(), "最新建档"),
    "name": (Customer.name_key.asc(), "客户名称"),
    "archive_no": (Customer.archive_no.asc(), "档案号"),
    "completeness_asc": (Customer.completeness.asc(), "完整度（低→高）"),
    "completeness_desc": (Customer.completeness.desc(), "完整度（高→低）"),
}


@dataclass
class CustomerFilter:
    search: str = ""
    province: str | None = None
    customer_type: str | None = None
    class_value_id: int | None = None
    owner_id: int | None = None
    status: str = "active"  # active | inactive | all
    review_state: str | None = None
    sort: str = "updated_desc"
    overdue: bool = False  # only customers past their cadence's due date
    fields: tuple[tuple[str, str], ...] = ()  # (field, value) of domain/fields.FILTERS, e.g. (("source", "展会"),)


@dataclass
class CustomerPage:
    rows: list[Customer]
    total: int
    page: int
    page_size: int
    classes: dict[int, list[str]] = field(default_factory=dict)  # customer id -> class names
    next_due: dict[int, dt.date] = field(default_factory=dict)  # customer id -> due by cadence
    contact: dict[int, ContactStatus] = field(default_factory=dict)  # customer id -> last contacts, due, why

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def get_customer(session: Session, actor: permissions.Actor, customer_id: int) -> Customer:
    """The customer with its children loaded, if ``actor`` may see it."""
    customer = session.get(Customer, customer_id, options=[
        selectinload(Customer.contacts), selectinload(Customer.products),
        selectinload(Customer.competitors), selectinload(Customer.sales),
        selectinload(Customer.classes).selectinload(CustomerClass.value),
        selectinload(Customer.owner), selectinload(Customer.created_by)])
    if customer is None:
        raise NotFound(NOT_VISIBLE)  # the same words as a refusal: an answer never tells which ids exist
    if customer.deleted_at is not None:
        if not permissions.can_view(actor, customer):
            raise NotFound(NOT_VISIBLE)
        raise NotFound(f"档案 {customer.archive_no} 已删除")
    if not (permissions.can_view(actor, customer) or is_visible(session, actor, customer_id)):
        raise PermissionDenied(NOT_VISIBLE)
    return customer


def is_visible(session: Session, actor: permissions.Actor, customer_id: int) -> bool:
    """``visible_customers`` for one id, loans (借阅) and service scopes included."""
    return session.scalar(select(Customer.id).where(Customer.id == customer_id,
                                                    visibility.visible_customers(actor))) is not None


def filtered_query(actor: permissions.Actor, flt: CustomerFilter) -> Select:
    """The customers ``actor`` may see that match ``flt`` (unsorted, unpaged)."""
    query = select(Customer).where(visibility.visible_customers(actor))
    if flt.status == "active":
        query = query.where(Customer.is_active.is_(True))
    elif flt.status == "inactive":
        query = query.where(Customer.is_active.is_(False))
    for column, value in ((Customer.province, flt.province), (Customer.customer_type, flt.customer_type),
                          (Customer.owner_id, flt.owner_id), (Customer.review_state, flt.review_state)):
        if value is not None:
            query = query.where(column == value)
    for name, value in flt.fields:
        if F.FIELDS_BY_NAME[name] in F.FILTERS:
            query = query.where(getattr(Customer, name) == value)
    if flt.class_value_id is not None:
        query = query.where(Customer.id.in_(
            select(CustomerClass.customer_id).where(CustomerClass.value_id == flt.class_value_id)))
    if text := flt.search.strip():
        query = query.where(_search_clause(text))
    if flt.overdue:
        query = query.where(select(ContactStatus.customer_id).where(
            ContactStatus.customer_id == Customer.id, ContactStatus.next_due < local_today()).exists())
    return query


def matching_ids(session: Session, actor: permissions.Actor, flt: CustomerFilter, limit: int) -> list[int]:
    """Ids of the first ``limit`` customers of the filter (for bulk actions), newest first."""
    return list(session.scalars(filtered_query(actor, flt).with_only_columns(Customer.id)
                                .order_by(Customer.updated_at.desc(), Customer.id.desc()).limit(limit)))


def _search_clause(text: str):
    name_key = normalize_name(text)
    phone_key = normalize_phone(text)
    contact_match = select(Contact.customer_id).where(or_(
        contains(Contact.name, text),
        *([contains(Contact.mobile_key, phone_key), contains(Contact.phone_key, phone_key)] if phone_key else [])))
    conditions = [contains(Customer.name, text), contains(Customer.short_name, text),
                  contains(Customer.archive_no, text.upper()), Customer.id.in_(contact_match)]
    if name_key:
        conditions.append(contains(Customer.name_key, name_key))
    if phone_key:
        conditions.append(contains(Customer.phone_key, phone_key))
    return or_(*conditions)


def count_customers(session: Session, actor: permissions.Actor, flt: CustomerFilter) -> int:
    """How many customers ``actor`` may see match the filter (the list's 共 N 份)."""
    return session.scalar(select(func.count()).select_from(filtered_query(actor, flt).order_by(None).subquery())) or 0


def list_customers(session: Session, actor: permissions.Actor, flt: CustomerFilter,
                   page: int = 1, page_size: int = PAGE_SIZE, total: int | None = None) -> CustomerPage:
    """One page of the customers ``actor`` may see; only that page is loaded. ``total``: the count,
    when the caller already has it (the list page shares it across sessions)."""
    query = filtered_query(actor, flt)
    if total is None:
        total = count_customers(session, actor, flt)
    page = max(1, min(page, max(1, -(-total // page_size))))
    order, _ = SORTS.get(flt.sort, SORTS["updated_desc"])
    rows = list(session.scalars(query.options(selectinload(Customer.owner))
                                .order_by(order, Customer.id.desc())
                                .offset((page - 1) * page_size).limit(page_size)))
    result = CustomerPage(rows=rows, total=total, page=page, page_size=page_size)
    result.classes = class_names(session, [c.id for c in rows])
    result.contact = {status.customer_id: status for status in session.scalars(
        select(ContactStatus).where(ContactStatus.customer_id.in_([c.id for c in rows])))}
    result.next_due = {cid: status.next_due for cid, status in result.contact.items() if status.next_due}
    return result


def class_names(session: Session, customer_ids: Sequence[int]) -> dict[int, list[str]]:
    """Names of each customer's classes in the active schemes, in scheme order."""
    if not customer_ids:
        return {}
    rows = session.execute(
        select(CustomerClass.customer_id, ClassValue.name)
        .join(ClassValue, ClassValue.id == CustomerClass.value_id)
        .join(ClassScheme, ClassScheme.id == CustomerClass.scheme_id)
        .where(CustomerClass.customer_id.in_(customer_ids), ClassScheme.is_active.is_(True))
        .order_by(ClassScheme.sort_order))
    names: dict[int, list[str]] = {}
    for customer_id, name in rows:
        names.setdefault(customer_id, []).append(name)
    return names


NAME_MATCH, PHONE_MATCH, TAX_MATCH = "名称", "电话", "税号"


def find_duplicates(session: Session, *, name: str | None, phones: Sequence[str | None] = (),
                    tax_no: str | None = None, exclude_id: int | None = None) -> list[tuple[Customer, tuple[str, ...]]]:
    """Existing archives with the same normalised name, any same phone (the archive's or a contact's),
    or the same 税号, each with what matched: a tuple of NAME_MATCH / PHONE_MATCH / TAX_MATCH."""
    name_key = normalize_name(name)
    phone_keys = sorted({k for k in (normalize_phone(p) for p in phones) if k})
    tax_key = normalize_tax_no(tax_no)
    conditions = []
    if name_key:
        conditions.append(Customer.name_key == name_key)
    if phone_keys:
        conditions.append(Customer.phone_key.in_(phone_keys))
        conditions.append(Customer.id.in_(select(Contact.customer_id).where(
            or_(Contact.mobile_key.in_(phone_keys), Contact.phone_key.in_(phone_keys)))))
    if tax_key:
        conditions.append(Customer.tax_key == tax_key)
    if not conditions:
        return []
    query = (select(Customer).options(selectinload(Customer.owner), selectinload(Customer.contacts))
             .where(or_(*conditions), Customer.deleted_at.is_(None)))
    if exclude_id is not None:
        query = query.where(Customer.id != exclude_id)

    def matched(customer: Customer) -> tuple[str, ...]:
        phones_held = {customer.phone_key} | {k for c in customer.contacts for k in (c.mobile_key, c.phone_key)}
        return tuple(label for label, hit in ((NAME_MATCH, name_key and customer.name_key == name_key),
                                              (PHONE_MATCH, phones_held & set(phone_keys)),
                                              (TAX_MATCH, tax_key and customer.tax_key == tax_key)) if hit)

    return [(c, matched(c)) for c in session.scalars(query.order_by(Customer.id).limit(20))]


def review_queue(session: Session, actor: permissions.Actor) -> list[Customer]:
    """Archives waiting for ``actor``'s review, oldest first."""
    owner = aliased(User)
    return list(session.scalars(
        select(Customer).options(selectinload(Customer.owner))
        .outerjoin(owner, owner.id == Customer.owner_id)
        .where(Customer.review_state == PENDING, Customer.is_active.is_(True),
               visibility.reviewable_customers(actor, owner.supervisor_id))
        .order_by(Customer.updated_at)))


def owners(session: Session) -> list[User]:
    """People who can own customers, for owner pickers."""
    return list(session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.name)))


def active_schemes(session: Session) -> list[ClassScheme]:
    return list(session.scalars(
        select(ClassScheme).options(selectinload(ClassScheme.values))
        .where(ClassScheme.is_active.is_(True)).order_by(ClassScheme.sort_order)))
