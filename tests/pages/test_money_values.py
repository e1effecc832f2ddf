"""Amounts (合同、应收账款、回款、折价、市场动态的价格) are stored to the fen exactly as typed, or refused
beside their box with the text kept: never 12.3.4 → 12.34 or 1.005 → 1.00 without a word."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models_followups import Receivable
from db.models_papers import Contract
from domain import roles as R
from tests.pages.apptest import open_archive, shown
from tests.pages.test_double_submit import FORMS, _by_label, _submit


def _form(name):
    return next(f for f in FORMS if f.name == name)


def _receivable(people, amount: str, paid: str = ""):
    users, cid = people
    at = open_archive(users[R.REP], cid, "应收账款")
    _by_label(at.text_input, "金额（元）*").input(amount)
    _by_label(at.text_input, "已回款（元）").input(paid)
    _by_label(at.text_input, "单据号").input("FP-MONEY")
    return _submit(at, _form("receivable"), cid)


def _stored_receivable():
    with session_scope() as s:
        row = s.scalar(select(Receivable).where(Receivable.doc_no == "FP-MONEY"))
        return None if row is None else (row.amount, row.paid)


@pytest.mark.parametrize(("typed", "stored"), [
    ("12800", Decimal("12800")), ("12,800.50", Decimal("12800.50")), ("¥1.28万", Decimal("12800")),
    ("１２００．５", Decimal("1200.50")), (" 300 元", Decimal("300"))])
def test_an_amount_is_stored_as_typed(people, typed, stored):
    at = _receivable(people, typed)
    assert not at.exception, at.exception
    assert _stored_receivable() == (stored, Decimal(0))


@pytest.mark.parametrize(("typed", "message"), [
    ("12.3.4", "「12.3.4」不是一个金额"), ("1.005", "「1.005」超过两位小数"), ("一千", "「一千」不是一个金额")])
def test_a_malformed_amount_is_refused_beside_its_box_and_kept(people, typed, message):
    at = _receivable(people, typed)
    assert not at.exception, at.exception
    assert _stored_receivable() is None
    assert any(message in text for text in shown(at.markdown)), shown(at.markdown)
    assert _by_label(at.text_input, "金额（元）*").value == typed


def test_a_malformed_paid_amount_is_refused_beside_its_own_box(people):
    at = _receivable(people, "1000", paid="2.3.4")
    assert _stored_receivable() is None
    assert any("「2.3.4」不是一个金额" in text for text in shown(at.markdown))
    assert _by_label(at.text_input, "已回款（元）").value == "2.3.4"


def test_a_contract_amount_is_stored_to_the_fen(people):
    users, cid = people
    at = open_archive(users[R.REP], cid, "合同")
    _by_label(at.text_input, "合同编号 *").input("HT-MONEY")
    _by_label(at.text_input, "金额（元）").input("58,000.05")
    _submit(at, _form("contract"), cid)
    assert not at.exception, at.exception
    with session_scope() as s:
        assert s.scalar(select(Contract.amount).where(Contract.number == "HT-MONEY")) == Decimal("58000.05")
