"""Receivables: due dates from 账期, reminders 3 days ahead, aging buckets (domain/receivables.py)."""
import datetime as dt
from decimal import Decimal

import pytest

from domain.receivables import ReceivableError, ReceivableInput, aging_bucket, check_receivable, due_date, remind

D = dt.date
TODAY = D(2026, 12, 2)


@pytest.mark.parametrize("doc_date, credit_days, expected", [
    (D(2026, 11, 1), 30, D(2026, 12, 1)), (D(2028, 2, 1), 29, D(2028, 3, 1)),  # leap February
    (D(2026, 12, 15), 60, D(2027, 2, 13)), (D(2026, 12, 2), None, D(2026, 12, 2)), (D(2026, 12, 2), 0, D(2026, 12, 2)),
])
def test_due_date_is_the_document_date_plus_the_credit_days(doc_date, credit_days, expected):
    assert due_date(doc_date, credit_days) == expected


@pytest.mark.parametrize("due, bucket", [
    (D(2026, 12, 2), "未到期"), (D(2026, 12, 30), "未到期"), (D(2026, 12, 1), "30天以内"), (D(2026, 11, 2), "30天以内"),
    (D(2026, 11, 1), "31–60天"), (D(2026, 10, 3), "31–60天"), (D(2026, 10, 2), "61–90天"), (D(2026, 9, 3), "61–90天"),
    (D(2026, 9, 2), "90天以上"), (D(2020, 1, 1), "90天以上"),
])
def test_aging_buckets(due, bucket):
    assert aging_bucket(due, TODAY) == bucket


@pytest.mark.parametrize("due, expected", [
    (D(2026, 12, 2), True), (D(2026, 12, 5), True), (D(2026, 12, 6), False), (D(2026, 12, 1), False)])
def test_payments_are_reminded_three_days_before_they_fall_due(due, expected):
    assert remind(due, TODAY) is expected


def test_the_due_date_defaults_to_the_credit_days_and_amounts_keep_cents():
    clean = check_receivable(ReceivableInput(D(2026, 11, 20), Decimal("12000.456"), paid=Decimal("2000")), 15)
    assert (clean.due_date, clean.amount, clean.paid) == (D(2026, 12, 5), Decimal("12000.46"), Decimal("2000.00"))


@pytest.mark.parametrize("data, field, message", [
    (ReceivableInput(None, Decimal(1)), "doc_date", "请填写开票/发货日期"),
    (ReceivableInput(TODAY, Decimal(0)), "amount", "大于 0"),
    (ReceivableInput(TODAY, None), "amount", "大于 0"),
    (ReceivableInput(TODAY, Decimal(100), paid=Decimal(101)), "paid", "不能超过金额"),
    (ReceivableInput(TODAY, Decimal(100), paid=Decimal(-1)), "paid", "负数"),
    (ReceivableInput(TODAY, Decimal(100), due_date=D(2026, 12, 1)), "due_date", "不能早于"),
])
def test_bad_receivables_are_refused_field_by_field(data, field, message):
    with pytest.raises(ReceivableError) as caught:
        check_receivable(data, 30)
    assert message in caught.value.errors[field]
