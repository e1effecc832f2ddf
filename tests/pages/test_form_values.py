"""The archive form stores what was typed or refuses it beside the field, keeping the text: the same
rules as the import (domain/validation.clean_value)."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from db.engine import session_scope
from db.models import Customer
from domain import roles as R
from tests.pages.apptest import open_page, shown


def new_archive(users, **typed):
    at = open_page("pages/new.py", users[R.REP])
    at.text_input(key="new:name").input("表单取值测试酒楼")
    at.selectbox(key="new:customer_type").select("餐饮终端")
    at.selectbox(key="new:province").select("江苏").run()  # the restaurant fields appear
    for name, text in typed.items():
        (at.text_area if name == "notes" else at.text_input)(key=f"new:{name}").input(text)
    return at.button(key="new:save").click().run()


def saved() -> Customer | None:
    with session_scope() as s:
        return s.scalar(select(Customer).where(Customer.name == "表单取值测试酒楼"))


def test_out_of_range_and_malformed_values_are_refused_beside_their_fields_and_kept(people):
    users, _ = people
    at = new_archive(users, registered_capital="-5", lunch_occupancy="150", floor_area="12.3.4",
                     phone="12345678901234567890", notes="备" * 3000)
    assert saved() is None
    beside = " ".join(shown(at.markdown))
    for message in ("注册资金：不能小于 0", "中餐上座率：不能大于 100", "营业面积：「12.3.4」不是一个数字",
                    "电话：电话号码格式不对", "备注：不能超过 2000 个字（现在 3000 个字）"):
        assert message in beside, message
    assert at.text_input(key="new:registered_capital").value == "-5"  # kept to be corrected
    assert at.text_area(key="new:notes").value == "备" * 3000


def test_values_are_stored_as_typed(people):
    users, _ = people
    at = new_archive(users, founded_on="2008", registered_capital="12.3", lunch_occupancy="85",
                     phone="0510 8272 0011")
    assert not at.exception, at.exception
    customer = saved()
    assert customer is not None, [e.value for e in at.error]
    assert (customer.founded_on, customer.registered_capital, customer.lunch_occupancy, customer.phone) == (
        dt.date(2008, 1, 1), Decimal("12.30"), Decimal("85.00"), "0510-82720011")
