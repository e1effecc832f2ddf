"""Numbering, completeness, review, audit diff, card layout."""
import datetime as dt
from decimal import Decimal

import pytest

from domain import fields as F
from domain.audit import diff_fields, diff_rows, display
from domain.card import card_sections
from domain.completeness import completeness, missing_labels
from domain.numbering import format_archive_no, region_code
from domain.review import APPROVE, FILED, PENDING, RESUBMIT, RETURN, RETURNED, ReviewError, initial_state, next_state


@pytest.mark.parametrize("province, code", [("广东", "GD"), ("河南", "HA"), ("河北", "HE"), (None, "XX")])
def test_region_code(province, code):
    assert region_code(province) == code


def test_archive_number_format():
    assert format_archive_no("GD", 2026, 7) == "KD-GD-2026-00007"
    with pytest.raises(ValueError):
        format_archive_no("GD", 2026, 0)


def test_completeness_counts_applicable_fields_and_sections():
    base = {"name": "甲", "customer_type": "商超终端", "province": "广东"}
    applicable = [f for f in F.ARCHIVE_FIELDS if f.only_for_type is None]
    assert completeness(base, contacts=0, products=0) == round(100 * 3 / (len(applicable) + 2))
    full = {f.name: "x" for f in applicable} | {"customer_type": "商超终端"}
    assert completeness(full, contacts=1, products=1) == 100
    assert "联系人" in missing_labels(base, contacts=0, products=1)
    restaurant = {**base, "customer_type": "餐饮终端"}
    assert "大厅桌数" in missing_labels(restaurant, contacts=1, products=1)
    assert "大厅桌数" not in missing_labels(base, contacts=1, products=1)


@pytest.mark.parametrize("state, action, comment, expected", [
    (PENDING, APPROVE, "", FILED),
    (PENDING, RETURN, "缺电话", RETURNED),
    (RETURNED, RESUBMIT, "", PENDING),
])
def test_review_transitions(state, action, comment, expected):
    assert next_state(state, action, comment) == expected


@pytest.mark.parametrize("state, action, comment, message", [
    (PENDING, RETURN, "  ", "退回时请填写审核意见"),
    (FILED, APPROVE, "", "档案当前为「已归档」，不能审核通过"),
    (PENDING, RESUBMIT, "", "不能重新提交"),
])
def test_review_refusals(state, action, comment, message):
    with pytest.raises(ReviewError, match=message):
        next_state(state, action, comment)


def test_supervisors_file_directly():
    assert initial_state(True) == FILED and initial_state(False) == PENDING


def test_diff_fields_uses_chinese_labels_and_display_values():
    old = {"address": "人民路1号", "exclusive_supply": None, "registered_capital": Decimal("100.00")}
    new = {"address": "解放路2号", "exclusive_supply": True, "registered_capital": Decimal("100")}
    assert diff_fields(old, new) == [
        {"field": "address", "label": "地址", "old": "人民路1号", "new": "解放路2号"},
        {"field": "exclusive_supply", "label": "是否独家供货", "old": None, "new": "是"},
    ]


def test_diff_rows_pairs_by_key():
    old = [{"name": "张三", "mobile": "1"}, {"name": "李四", "mobile": "2"}]
    new = [{"name": "张三", "mobile": "9"}, {"name": "王五", "mobile": "3"}]
    changes = diff_rows("联系人", old, new, key=lambda r: r["name"], describe=lambda r: f"{r['name']}:{r['mobile']}")
    assert [(c["old"], c["new"]) for c in changes] == [("张三:1", "张三:9"), ("李四:2", None), (None, "王五:3")]


def test_display():
    assert display(dt.date(2026, 1, 2)) == "2026-01-02"
    assert display(Decimal("12.50")) == "12.50" and display(Decimal("12.00")) == "12"
    assert display("") is None and display(False) == "否"


def test_card_has_front_and_back_with_sales_total():
    sides = card_sections({"档案号": "KD-GD-2026-00001"}, {"name": "甲", "customer_type": "餐饮终端"},
                          contacts=[{"name": "张三", "role": "负责人"}], products=[], competitors=[],
                          sales=[{"product": "剑南春", 1: 10, 2: 5}], year=2026)
    assert list(sides) == ["正面", "背面"]
    sales = sides["背面"][0]
    assert sales.table[1][0] == "剑南春" and sales.table[1][-1] == "15"
    basic_labels = [label for label, _ in sides["正面"][1].items]
    assert "客户名称" in basic_labels
    business_labels = [label for label, _ in sides["正面"][3].items]
    assert "大厅桌数（桌）" in business_labels
