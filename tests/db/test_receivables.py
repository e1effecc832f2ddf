"""Receivables against the real database: entry, payments, reminders, aging and import."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.audit import list_history
from db.engine import session_scope
from db.followup_queries import agenda
from db.models_followups import Receivable
from db.receivables import ImportRefused, add_receivable, aging, due_soon, import_receivables, overdue, record_payment
from domain.errors import PermissionDenied, UserFacingError
from domain.formatting import local_today
from domain.receivables import ReceivableInput
from tests.factories import make_customer, make_team

TODAY = local_today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def books(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        customer = make_customer(s, rep, name="好运来商贸有限公司", credit_days=30)
        return manager, rep, other, customer.id, customer.archive_no


def add(actor, customer_id, days_ago, amount, paid=0):
    with session_scope() as s:
        return add_receivable(s, actor, customer_id, ReceivableInput(TODAY - days_ago * DAY, Decimal(amount),
                                                                      paid=Decimal(paid))).id


def test_reminders_aging_and_payments(books):
    manager, rep, other, customer_id, _ = books
    soon = add(rep, customer_id, 28, 10000)           # due in 2 days: remind
    add(rep, customer_id, 45, 5000, paid=1000)        # 15 days overdue: ≤30
    add(rep, customer_id, 130, 3000)                  # 100 days overdue: >90
    add(rep, customer_id, 50, 800, paid=800)          # paid in full: nowhere
    with session_scope() as s:
        assert [r.id for r, _ in due_soon(s, rep, TODAY).rows] == [soon]
        assert due_soon(s, other, TODAY).total == 0
        assert [len(agenda(s, rep, TODAY).payments.rows)] == [1]
        buckets = {b.label: (b.count, b.outstanding) for b in aging(s, manager, TODAY)}
        assert buckets == {"未到期": (1, Decimal("10000.00")), "30天以内": (1, Decimal("4000.00")),
                           "31–60天": (0, Decimal(0)), "61–90天": (0, Decimal(0)), "90天以上": (1, Decimal("3000.00"))}
        assert overdue(s, other, TODAY).total == 0  # another rep sees none of it
    with pytest.raises(UserFacingError, match="超过未收金额"), session_scope() as s:
        record_payment(s, rep, soon, Decimal("10000.01"))
    with pytest.raises(PermissionDenied), session_scope() as s:
        record_payment(s, other, soon, Decimal("100"))
    with session_scope() as s:
        record_payment(s, rep, soon, Decimal("10000"))
    with session_scope() as s:
        assert due_soon(s, rep, TODAY).total == 0
        history = list_history(s, entity="customer", entity_id=customer_id)[0]
        assert (history.action, history.changes[0]["new"]) == ("payment", "10,000.00")


def test_import_is_all_or_none_with_row_numbers(books):
    manager, rep, _, customer_id, archive_no = books
    good = [["档案号", "客户名称", "开票日期", "金额", "已回款", "单据号"],
            [archive_no, "", "2026-11-01", "12,000", "2000", "FP-001"],
            ["", "好运来商贸有限公司", "2026年11月15日", "5万", "", "FP-002"]]
    bad = good + [["", "不存在的客户", "2026-11-20", "100", "", ""], [archive_no, "", "昨天", "100", "", ""],
                  [archive_no, "", "2026-11-20", "-5", "", ""]]
    with pytest.raises(ImportRefused) as caught, session_scope() as s:
        import_receivables(s, manager, bad)
    assert caught.value.problems == ["第 4 行：找不到客户「不存在的客户」", "第 5 行：日期「昨天」无法识别",
                                     "第 6 行：金额必须大于 0"]
    with session_scope() as s:
        assert s.scalars(select(Receivable)).all() == []
    with pytest.raises(ImportRefused, match="没有导入"), session_scope() as s:
        import_receivables(s, manager, [["客户", "金额"]])
    with session_scope() as s:
        assert import_receivables(s, manager, good) == 2
    with session_scope() as s:
        rows = {r.doc_no: (r.amount, r.paid, r.due_date) for r in s.scalars(select(Receivable))}
        assert rows == {"FP-001": (Decimal("12000.00"), Decimal("2000.00"), dt.date(2026, 12, 1)),
                        "FP-002": (Decimal("50000.00"), Decimal("0.00"), dt.date(2026, 12, 15))}
