"""Receivables (应收账款): due dates from 账期, reminders 3 days ahead, aging buckets, input checks.

A receivable is one invoice or delivery: its date, amount, due date (the date plus the
customer's 账期 unless stated) and what has been paid. Dates are the team's local dates.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import FieldErrors

REMIND_DAYS = 3  # 回款提醒：到期前 3 天
NOT_DUE = "未到期"
BUCKETS = [(30, "30天以内"), (60, "31–60天"), (90, "61–90天"), (None, "90天以上")]
BUCKET_LABELS = [NOT_DUE] + [label for _, label in BUCKETS]
MAX_AMOUNT = Decimal("999999999999.99")


class ReceivableError(FieldErrors):
    """A refused input; ``errors`` maps each field to its message."""


@dataclass
class ReceivableInput:
    doc_date: dt.date | None        # 开票/发货日期
    amount: Decimal | None          # 金额（元）
    due_date: dt.date | None = None  # 到期日；空则按账期
    paid: Decimal = Decimal(0)       # 已回款
    doc_no: str = ""                 # 单据号
    note: str = ""


def due_date(doc_date: dt.date, credit_days: int | None) -> dt.date:
    """到期日 = 单据日期 + 账期（天）; no 账期 means due on the day (现款)."""
    return doc_date + dt.timedelta(days=credit_days or 0)


def check_receivable(data: ReceivableInput, credit_days: int | None) -> ReceivableInput:
    """The input with its due date filled in; raises ReceivableError naming each bad field."""
    errors: dict[str, str] = {}
    if data.doc_date is None:
        errors["doc_date"] = "请填写开票/发货日期"
    if data.amount is None or data.amount <= 0:
        errors["amount"] = "金额必须大于 0"
    elif data.amount > MAX_AMOUNT:
        errors["amount"] = "金额过大，请检查单位（元）"
    if data.paid is None or data.paid < 0:
        errors["paid"] = "已回款不能为负数"
    elif data.amount is not None and data.amount > 0 and data.paid > data.amount:
        errors["paid"] = "已回款不能超过金额"
    if data.due_date and data.doc_date and data.due_date < data.doc_date:
        errors["due_date"] = "到期日不能早于开票/发货日期"
    if errors:
        raise ReceivableError(errors)
    cents = Decimal("0.01")
    return ReceivableInput(data.doc_date, data.amount.quantize(cents),
                           data.due_date or due_date(data.doc_date, credit_days),
                           data.paid.quantize(cents), data.doc_no.strip(), data.note.strip())


def days_overdue(due: dt.date, today: dt.date) -> int:
    return max(0, (today - due).days)


def aging_bucket(due: dt.date, today: dt.date) -> str:
    """账龄: 未到期, or how long past due — ≤30, 31–60, 61–90, >90 days."""
    late = days_overdue(due, today)
    if late == 0:
        return NOT_DUE
    return next(label for limit, label in BUCKETS if limit is None or late <= limit)


def remind(due: dt.date, today: dt.date) -> bool:
    """Due within the next REMIND_DAYS days (today included): time to remind the customer."""
    return today <= due <= today + dt.timedelta(days=REMIND_DAYS)
