"""What offices really type, and what KeDang stores for it (one table per normaliser)."""
import datetime as dt
from decimal import Decimal

import pytest

from domain import fields as F
from domain.import_mapping import auto_mapping, detect_header_row, header_key, mapping_from_headers, target_for
from domain.import_normalize import (
    clean_text,
    code_text,
    normalize_cell,
    normalize_grade,
    parse_amount,
    parse_bool,
    parse_date,
    parse_percent,
)
from domain.regions import find_region
from domain.validation import clean_value

FIELD = F.FIELDS_BY_NAME


@pytest.mark.parametrize("raw, expected", [
    ("  好运来　", "好运来"),
    ("\u3000\u3000深圳 好运来\u3000", "深圳 好运来"),
    ("第一行\n第二行", "第一行 第二行"),
    ("bell\x07 and null\x00", "bell and null"),
    ("'=1+1", "=1+1"),          # our own export's neutraliser comes off again
    ("=1+1", "=1+1"),           # formulas stay text
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (13800138000.0, "13800138000"),
    (13800138000, "13800138000"),
    ("1.3800138E+10", "13800138000"),
    ("１３８００１３８０００", "13800138000"),
    (" 0755-12345678 ", "0755-12345678"),
    (91440300.0, "91440300"),
])
def test_code_text_keeps_numbers_as_text(raw, expected):
    assert code_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("2019年5月", dt.date(2019, 5, 1)),
    ("2019年5月3日", dt.date(2019, 5, 3)),
    ("2018.3.12", dt.date(2018, 3, 12)),
    ("2018/03/12", dt.date(2018, 3, 12)),
    ("20180312", dt.date(2018, 3, 12)),
    (20180312, dt.date(2018, 3, 12)),
    ("2018-03-12", dt.date(2018, 3, 12)),
    ("2018-03-12 00:00:00", dt.date(2018, 3, 12)),
    ("2019.5", dt.date(2019, 5, 1)),
    ("２０１９年５月", dt.date(2019, 5, 1)),
    (43466, dt.date(2019, 1, 1)),          # an Excel serial day
    (43466.75, dt.date(2019, 1, 1)),
    (dt.datetime(2020, 2, 29, 8, 30), dt.date(2020, 2, 29)),
    (dt.date(2021, 1, 2), dt.date(2021, 1, 2)),
])
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["昨天", "2019-13-01", "2019.2.30", "abc", -5])
def test_parse_date_refuses_in_chinese(raw):
    with pytest.raises(ValueError, match="日期格式不对"):
        parse_date(raw)


@pytest.mark.parametrize("raw, unit, expected", [
    ("100,000", "元", Decimal(100000)),
    ("100，000", "元", Decimal(100000)),
    ("30天", "天", Decimal(30)),
    ("50万", "万元", Decimal(50)),
    ("50万元", "万元", Decimal(50)),
    ("50万", "元", Decimal(500000)),
    ("1.2亿", "万元", Decimal(12000)),
    ("¥1,234.50", "元", Decimal("1234.50")),
    ("５０", "万元", Decimal(50)),
    (12.5, "m²", Decimal("12.5")),
    (30, "天", Decimal(30)),
])
def test_parse_amount(raw, unit, expected):
    assert parse_amount(raw, unit) == expected


@pytest.mark.parametrize("raw, expected", [("85%", 85), (0.85, 85), ("0.6", Decimal("0.6")), (60, 60),
                                           ("１００％", 100)])
def test_parse_percent(raw, expected):
    assert parse_percent(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("是", True), ("否", False), ("有", True), ("无", False), ("√", True), ("×", False), ("Y", True),
    ("n", False), (1, True), (0, False), ("已签", True),
])
def test_parse_bool(raw, expected):
    assert parse_bool(raw) is expected


@pytest.mark.parametrize("raw, expected", [("a", "A"), ("Ｂ", "B"), (" c ", "C"), ("ａ", "A"), ("重点", "重点")])
def test_normalize_grade(raw, expected):
    assert normalize_grade(raw) == expected


@pytest.mark.parametrize("field, raw, stored", [
    ("province", "广东省", "广东"),
    ("province", "广西壮族自治区", "广西"),
    ("province", "北京市", "北京"),
    ("customer_type", "超市", "商超终端"),
    ("customer_type", "餐饮", "餐饮终端"),
    ("payment_method", "转账", "转帐"),
    ("scale_grade", "b", "B"),
    ("phone", 13800138000.0, "13800138000"),
    ("tax_no", "91440300ma5abcde1x", "91440300MA5ABCDE1X"),
    ("registered_capital", "50万", Decimal("50.00")),
    ("credit_limit", "100,000", Decimal("100000.00")),
    ("credit_days", "30天", 30),
    ("staff_count", 25.0, 25),
    ("founded_on", "2019年5月", dt.date(2019, 5, 1)),
    ("exclusive_supply", "是", True),
    ("name", "ＡＢＣ超市　", "ABC超市"),
    ("notes", "=SUM(A1:A3)", "=SUM(A1:A3)"),
    ("notes", "第一行\n第二行", "第一行\n第二行"),
    ("city", 123.0, "123"),
    ("name", "   ", None),
    ("name", None, None),
])
def test_cell_to_stored_value(field, raw, stored):
    assert clean_value(FIELD[field], normalize_cell(FIELD[field], raw)) == stored


@pytest.mark.parametrize("texts, expected", [
    (("广东省深圳市南山区",), ("广东", "深圳", "南山区")), (("内蒙古呼和浩特市",), ("内蒙古", "呼和浩特", None)),
    (("深圳市南山区",), ("广东", "深圳", "南山区")), ((None, "上海市"), ("上海", "上海", None)),
    (("南京市玄武区",), ("江苏", "南京", "玄武区")), (("苏州市观前街43号",), ("江苏", "苏州", None)),
    (("北京市朝阳区建国路",), ("北京", "北京", "朝阳区")), (("重庆市渝中区解放碑",), ("重庆", "重庆", "渝中区")),
    (("湖北省仙桃市",), ("湖北", None, "仙桃市")),  # a county-level city straight under its province
    (("中山路88号",), (None, None, None)), (("江西路5号",), (None, None, None)),  # streets named after places
    (("朝阳区建国路",), (None, None, None)),  # 朝阳区 is in 北京 and in 长春: not a guess
    (("华东区", "杭州西湖区"), ("浙江", "杭州", "西湖区")),  # a sales territory names no place: the next text
])
def test_region_from_what_offices_write(texts, expected):
    region = find_region(*texts)
    assert (region.province, region.city, region.district) == expected


@pytest.mark.parametrize("header, target", [
    ("客户名称", "name"), ("客户名", "name"), ("单位名称", "name"), ("名称", "name"),
    ("联系电话", "phone"), ("电话", "phone"), ("手机", "phone"),
    ("负责人", "contact_name"), ("联系人", "contact_name"), ("经营者", "contact_name"),
    ("注册资金", "registered_capital"), ("注册资本（万元）", "registered_capital"),
    ("成立时间", "founded_on"), ("营业起始时间", "founded_on"),
    ("客户等级", "class:value"), ("等级", "class:value"), ("级别", "class:value"),
    (" 客户名称* ", "name"), ("Ｅｍａｉｌ", "email"), ("税号：", "tax_no"), ("业务员", "owner"),
    ("序号", None), ("", None), (None, None),
])
def test_header_synonyms(header, target):
    assert target_for(header) == target


def test_header_key_ignores_marks_and_units():
    assert header_key(" 注册资金（万元）* ") == "注册资金"


def test_header_row_is_found_below_title_rows():
    rows = [["客户档案登记表"], ["整理人：张三", None, "填表时间：2024年5月"], [],
            [None, "序号", "客户名称", "联系电话", "地址"], [None, 1, "好运来", "13800138000", "深圳"]]
    assert detect_header_row(rows) == 3


def test_no_header_row_when_nothing_is_recognised():
    assert detect_header_row([["a", "b", "c"], [1, 2, 3]]) is None


def test_each_target_is_taken_once_and_templates_follow_headers():
    headers = ["客户名称", "电话", "手机", "备注"]
    assert auto_mapping(headers) == {0: "name", 1: "phone", 3: "notes"}
    assert mapping_from_headers(["备注", "名称 "], {"名称": "name", "备注": "notes"}) == {0: "notes", 1: "name"}
