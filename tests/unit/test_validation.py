import datetime as dt
from decimal import Decimal

import pytest

from domain import fields as F
from domain.normalize import PHONE_RULE
from domain.validation import clean_value, validate_archive, validate_contacts, validate_priced_rows, validate_sales

TODAY = dt.date(2026, 11, 23)
VALID = {"name": "好运来酒楼", "customer_type": "餐饮终端", "province": "广东"}


@pytest.mark.parametrize("field, raw, expected", [
    ("name", "  好运来  ", "好运来"),
    ("phone", "0755-12345678", "0755-12345678"),
    ("phone", "１３８００１３８０００", "13800138000"),
    ("registered_capital", "1,000", Decimal("1000.00")),
    ("staff_count", "12", 12),
    ("founded_on", "2018.3.12", dt.date(2018, 3, 12)),
    ("founded_on", "20180312", dt.date(2018, 3, 12)),
    ("founded_on", "2018年3月12日", dt.date(2018, 3, 12)),
    ("exclusive_supply", "是", True),
    ("exclusive_supply", False, False),
    ("tax_no", "91440300ma5fxxxx1a", "91440300MA5FXXXX1A"),
    ("notes", "", None),
])
def test_clean_value_accepts(field, raw, expected):
    assert clean_value(F.FIELDS_BY_NAME[field], raw) == expected


@pytest.mark.parametrize("field, raw, message", [
    ("phone", "call me", "电话号码格式不对"),
    ("email", "not-an-email", "邮箱格式不对"),
    ("staff_count", "1.5", "请填整数"),
    ("staff_count", "-1", "不能小于 0"),
    ("lunch_occupancy", "120", "不能大于 100"),
    ("registered_capital", "很多", "请填数字"),
    ("founded_on", "去年", "日期格式不对"),
    ("customer_type", "外星人", "只能是"),
    ("tax_no", "123", "税号应为"),
    ("name", "名" * 121, "不能超过 120 个字"),
])
def test_clean_value_rejects_with_chinese_reason(field, raw, message):
    with pytest.raises(ValueError, match=message):
        clean_value(F.FIELDS_BY_NAME[field], raw)


def test_required_fields_named():
    _, errors = validate_archive({}, today=TODAY)
    assert errors == {"name": "必填", "customer_type": "必填", "province": "必填"}


def test_restaurant_extras_only_for_restaurants():
    values, errors = validate_archive({**VALID, "hall_tables": "20"}, today=TODAY)
    assert values["hall_tables"] == 20 and not errors
    values, errors = validate_archive({**VALID, "customer_type": "商超终端", "hall_tables": "abc"}, today=TODAY)
    assert values["hall_tables"] is None and not errors  # not applicable: cleared, not an error


def test_cross_field_rules():
    _, errors = validate_archive({**VALID, "tripartite_signed": True}, today=TODAY)
    assert errors == {"tripartite_date": "已签订三方协议时，请填写签订日期"}
    _, errors = validate_archive({**VALID, "founded_on": "2030-01-01"}, today=TODAY)
    assert errors == {"founded_on": "不能晚于今天"}


def test_contacts_rows_checked_and_blank_rows_dropped():
    rows = [{"name": "张三", "role": "负责人", "mobile": "13800138000"},
            {"name": None, "role": None, "mobile": None},
            {"name": "", "role": "老板", "mobile": "abc"}]
    cleaned, errors = validate_contacts(rows)
    assert len(cleaned) == 2
    assert errors == ["联系人第 3 行：姓名必填",
                      "联系人第 3 行：角色只能是 负责人、采购负责人、财务负责人、决策人、其他",
                      f"联系人第 3 行：手机格式不对（{PHONE_RULE}）"]


def test_products_and_sales_rows():
    cleaned, errors = validate_priced_rows([{"product": "剑南春", "purchase_price": "1,200", "shelf_price": -1}],
                                           "进店产品", ("purchase_price", "shelf_price"))
    assert cleaned[0]["purchase_price"] == Decimal("1200.00")
    assert errors == ["进店产品第 1 行：价格不能为负数"]
    cleaned, errors = validate_sales([{"product": "剑南春", 1: 10, 2: None, 3: "5"}, {"product": None}])
    assert cleaned == [{"product": "剑南春", "months": {1: 10, 3: 5}}] and not errors
    _, errors = validate_sales([{"product": "剑南春", 4: 1.5}])
    assert errors == ["月度销量第 1 行 4 月：请填非负整数"]
