"""Receivables: entering and importing them, recording payments, reminders and aging.

Aging and reminders are computed in SQL over ``due_date`` (indexed), limited to what the user
may see; every write records the customer's 历史.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Sequence

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from db import visibility
from db.archive_queries import get_customer
from db.audit import record
from db.models import Customer
from db.models_followups import Receivable
from db.paging import Rows, first_rows
from db.volumes import check_not_frozen
from domain import permissions
from domain import receivables as rules
from domain.errors import NotFound, PermissionDenied, UserFacingError
from domain.import_normalize import clean_text, parse_amount
from domain.normalize import normalize_name, parse_date


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def add_receivable(session: Session, actor: permissions.Actor, customer_id: int,
                   data: rules.ReceivableInput) -> Receivable:
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_edit(actor, customer):
        raise PermissionDenied("您无权为这份档案录入应收账款")
    clean = rules.check_receivable(data, customer.credit_days)
    check_not_frozen(session, actor, clean.doc_date)
    receivable = Receivable(customer_id=customer_id, doc_no=clean.doc_no or None, doc_date=clean.doc_date,
                            amount=clean.amount, due_date=clean.due_date, paid=clean.paid, note=clean.note or None,
                            created_by_id=actor.id)
    session.add(receivable)
    session.flush()
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="receivable",
           changes=[{"field": "应收账款", "label": "应收账款", "old": None,
                     "new": f"{clean.doc_no or '单据'} {clean.doc_date} 金额 {_money(clean.amount)} 元，"
                            f"到期 {clean.due_date}，已回款 {_money(clean.paid)} 元"}])
    return receivable


def record_payment(session: Session, actor: permissions.Actor, receivable_id: int,
                   amount: Decimal | None) -> Receivable:
    """回款: add ``amount`` to what has been paid (never more than is outstanding)."""
    receivable = session.get(Receivable, receivable_id)
    if receivable is None:
        raise NotFound("找不到这笔应收账款")
    customer = get_customer(session, actor, receivable.customer_id)
    if not permissions.can_edit(actor, customer):
        raise PermissionDenied("您无权为这份档案登记回款")
    if amount is None or amount <= 0:
        raise UserFacingError("回款金额必须大于 0")
    if amount > receivable.outstanding:
        raise UserFacingError(f"回款金额超过未收金额（{_money(receivable.outstanding)} 元）")
    old = receivable.paid
    receivable.paid = old + amount
    record(session, actor_id=actor.id, entity="customer", entity_id=receivable.customer_id, action="payment",
           changes=[{"field": "已回款", "label": f"已回款（{receivable.doc_no or receivable.doc_date}）",
                     "old": _money(old), "new": _money(receivable.paid)}])
    return receivable


def for_customer(session: Session, customer_id: int) -> list[Receivable]:
    return list(session.scalars(select(Receivable).where(Receivable.customer_id == customer_id)
                                .order_by(Receivable.due_date.desc(), Receivable.id.desc())))


def _open(actor: permissions.Actor) -> Select:
    """(Receivable, Customer) still owed, on active customers ``actor`` may see."""
    return (select(Receivable, Customer).join(Customer, Customer.id == Receivable.customer_id)
            .where(Receivable.paid < Receivable.amount, Customer.is_active.is_(True),
                   visibility.visible_customers(actor)))


def due_soon(session: Session, actor: permissions.Actor, today: dt.date, *, own_only: bool = True) -> Rows:
    """回款提醒: owed and due within the next REMIND_DAYS days — by default the actor's own customers."""
    query = _open(actor).where(Receivable.due_date >= today,
                               Receivable.due_date <= today + dt.timedelta(days=rules.REMIND_DAYS))
    if own_only:
        query = query.where(Customer.owner_id == actor.id)
    return first_rows(session, query.order_by(Receivable.due_date, Receivable.id))


def overdue(session: Session, actor: permissions.Actor, today: dt.date, owner_id: int | None = None) -> Rows:
    query = _open(actor).where(Receivable.due_date < today)
    if owner_id is not None:
        query = query.where(Customer.owner_id == owner_id)
    return first_rows(session, query.order_by(Receivable.due_date, Receivable.id), limit=500)


@dataclass
class Bucket:
    label: str
    count: int
    outstanding: Decimal


def aging(session: Session, actor: permissions.Actor, today: dt.date, owner_id: int | None = None,
          where: ColumnElement[bool] | None = None) -> list[Bucket]:
    """Outstanding amounts per aging bucket (未到期, ≤30, 31–60, 61–90, >90 days), one GROUP BY;
    ``where`` narrows the customers further (the dashboard's filter)."""
    bucket = case((Receivable.due_date >= today, rules.NOT_DUE),
                  *((Receivable.due_date >= today - dt.timedelta(days=limit), label)
                    for limit, label in rules.BUCKETS if limit is not None),
                  else_=rules.BUCKETS[-1][1])
    query = (_open(actor).with_only_columns(bucket, func.count(), func.sum(Receivable.amount - Receivable.paid))
             .group_by(bucket))
    if owner_id is not None:
        query = query.where(Customer.owner_id == owner_id)
    if where is not None:
        query = query.where(where)
    found = {label: (count, total) for label, count, total in session.execute(query)}
    return [Bucket(label, found.get(label, (0, 0))[0], Decimal(found.get(label, (0, 0))[1] or 0))
            for label in rules.BUCKET_LABELS]


# --- import ------------------------------------------------------------------------------------

COLUMNS = {  # what the workbook's headers may say → our field
    "archive_no": ["档案号", "客户档案号", "客户编号"],
    "name": ["客户名称", "客户", "客户名", "单位名称"],
    "doc_no": ["单据号", "发票号", "单号", "发货单号"],
    "doc_date": ["开票日期", "发货日期", "单据日期", "日期"],
    "amount": ["金额", "应收金额", "开票金额", "发货金额"],
    "due_date": ["到期日", "到期日期", "应收日期"],
    "paid": ["已回款", "已收金额", "回款金额"],
    "note": ["备注"],
}


class ImportRefused(UserFacingError):
    """Nothing was imported; ``problems`` lists each bad row (Excel row number and reason)."""

    def __init__(self, problems: list[str]):
        super().__init__(f"没有导入任何记录：{len(problems)} 处问题，请修改后重新上传")
        self.problems = problems


def import_receivables(session: Session, actor: permissions.Actor, rows: Sequence[Sequence[Any]]) -> int:
    """Import a sheet whose first row names the columns; all rows or none. Returns how many."""
    if not rows:
        raise ImportRefused(["表格是空的"])
    header = [_text(h) for h in rows[0]]
    where = {field: next((i for i, h in enumerate(header) if h in names), None) for field, names in COLUMNS.items()}
    missing = [names[0] for field, names in COLUMNS.items() if field in ("doc_date", "amount") and where[field] is None]
    if where["archive_no"] is None and where["name"] is None:
        missing.insert(0, "档案号或客户名称")
    if missing:
        raise ImportRefused([f"缺少列：{'、'.join(missing)}（第 1 行应是列名）"])
    problems, count = [], 0
    for number, row in enumerate(rows[1:], start=2):
        cell = {field: (row[i] if i is not None and i < len(row) else None) for field, i in where.items()}
        if all(_text(v) == "" for v in cell.values()):
            continue
        try:
            customer_id = _find_customer(session, cell)
            add_receivable(session, actor, customer_id, rules.ReceivableInput(
                doc_date=_date(cell["doc_date"]), amount=_amount(cell["amount"]), due_date=_date(cell["due_date"]),
                paid=_amount(cell["paid"]) or Decimal(0), doc_no=_text(cell["doc_no"]),
                note=_text(cell["note"])[:200]))
            count += 1
        except UserFacingError as exc:
            problems.append(f"第 {number} 行：{exc}")
    if problems:
        raise ImportRefused(problems)
    return count


def _text(value: Any) -> str:
    return "" if value is None else clean_text(value)


def _find_customer(session: Session, cell: dict[str, Any]) -> int:
    if number := _text(cell["archive_no"]).upper():
        found = session.scalar(select(Customer.id).where(Customer.archive_no == number, Customer.deleted_at.is_(None)))
        if found is None:
            raise NotFound(f"找不到档案号 {number}")
        return found
    name = _text(cell["name"])
    matches = list(session.scalars(
        select(Customer.id).where(Customer.name_key == normalize_name(name), Customer.deleted_at.is_(None)).limit(2)))
    if not matches:
        raise NotFound(f"找不到客户「{name}」")
    if len(matches) > 1:
        raise UserFacingError(f"有多位客户叫「{name}」，请改用档案号")
    return matches[0]


def _date(value: Any) -> dt.date | None:
    if _text(value) == "":
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise UserFacingError(f"日期「{_text(value)}」无法识别") from exc


def _amount(value: Any) -> Decimal | None:
    if _text(value) == "":
        return None
    try:
        return parse_amount(value, "元")
    except ValueError as exc:
        raise UserFacingError(f"金额「{_text(value)}」无法识别") from exc
