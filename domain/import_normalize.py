"""Turning what offices really type into archive values.

``normalize_cell`` takes one cell as the workbook gives it (text, a number, an
Excel date) and returns a value ``domain.validation.clean_value`` accepts, or
raises ValueError with a Chinese reason. Each kind of mess has its own small
function, table-tested in tests/unit/test_import_normalize.py.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from domain import fields as F
from domain import normalize
from domain.normalize import parse_date, to_ascii_form, to_half_width
from domain.validation import clean_value

_NEEDS_CLEANING = re.compile(r"[\x00-\x1f\x7f\u3000]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_TRUE = {"是", "有", "已签", "已签订", "y", "yes", "true", "√", "✓", "✔", "1"}
_FALSE = {"否", "无", "没有", "未签", "未签订", "n", "no", "false", "×", "✗", "✘", "0"}
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")

# What offices write for a choice, and the registry's word for it.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "customer_type": {"餐饮": "餐饮终端", "饭店": "餐饮终端", "酒楼": "餐饮终端", "超市": "商超终端",
                      "商超": "商超终端", "卖场": "商超终端", "经销商": "经销商/批发", "批发": "经销商/批发",
                      "批发商": "经销商/批发", "分销商": "经销商/批发", "医院": "医院/药店", "药店": "医院/药店",
                      "公司": "企业", "单位": "企业"},
    "payment_method": {"转账": "转帐", "银行转账": "转帐", "承兑汇票": "承兑", "现金支付": "现金"},
}


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """Trim spaces (also the full-width 　), drop control characters; line breaks become spaces
    unless ``multiline``. Our own export's leading ' before = + - @ is taken off again."""
    text = str(value)
    if _NEEDS_CLEANING.search(text):
        text = normalize.drop_control(text).replace("\u3000", " ")
        if not multiline:
            text = _LINE_BREAKS.sub(" ", text)
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def number_as_text(value: int | float) -> str:
    """13800138000.0 → '13800138000': numbers typed into text columns, without '.0' or an exponent."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return format(Decimal(str(value)).normalize(), "f")


def code_text(value: Any) -> str:
    """Phones, tax numbers, accounts: numbers or numeric text in exponent form back to their digits."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_as_text(value)
    text = to_ascii_form(clean_text(value))
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
        number = Decimal(text)
        if number == number.to_integral_value():
            return str(int(number))
    return text


def parse_amount(value: Any, unit: str = "") -> Decimal:
    """domain.normalize.parse_amount (the form's rule too) on a cell with its control characters removed."""
    return normalize.parse_amount(clean_text(value) if isinstance(value, str) else value, unit)


def parse_percent(value: Any) -> Decimal:
    """'85%' and '85' → 85; a cell Excel formats as a percentage arrives as the number 0.85 → 85.
    Text is taken as written: '0.5' is 0.5%, not 50%."""
    number = parse_amount(value)
    if isinstance(value, float) and 0 < number <= 1:
        number *= 100
    return number


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    text = to_ascii_form(clean_text(value)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("只能填 是 或 否")


def normalize_grade(value: Any) -> str:
    """'a', 'Ａ', ' b ' → 'A', 'B': one-letter grades in capitals."""
    text = to_half_width(clean_text(value))
    return text.upper() if len(text) == 1 and text.isascii() and text.isalpha() else text


def normalize_province(value: Any) -> str:
    """'广东省' → '广东', '广西壮族自治区' → '广西', '北京市' → '北京'."""
    text = clean_text(value).replace(" ", "")
    if text in F.PROVINCES:
        return text
    for suffix in _PROVINCE_SUFFIXES:
        if text.endswith(suffix) and text.removesuffix(suffix) in F.PROVINCES:
            return text.removesuffix(suffix)
    return text


def normalize_choice(field: F.Field, value: Any) -> str:
    if isinstance(value, bool):
        value = "是" if value else "否"
    text = normalize_grade(value) if isinstance(value, str) else number_as_text(value) \
        if isinstance(value, (int, float)) else clean_text(value)
    if field.name == "province":
        return normalize_province(text)
    if text in field.choices:
        return text
    alias = CHOICE_ALIASES.get(field.name, {}).get(text)
    if alias:
        return alias
    by_case = {c.lower(): c for c in field.choices}
    return by_case.get(text.lower(), text)


def is_blank_cell(value: Any) -> bool:
    """None, or text of nothing but spaces (also the full-width 　) and control characters."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    if not value or value.isspace():
        return True
    return bool(_NEEDS_CLEANING.search(value)) and not clean_text(value)


@lru_cache(maxsize=100_000, typed=True)
def stored_value(field_name: str, raw: Any) -> Any:
    """The value a cell of this field is stored as; raises ValueError (Chinese).

    Cached: a workbook repeats the same province, type, grade or date thousands of times."""
    field = F.FIELDS_BY_NAME[field_name]
    return clean_value(field, normalize_cell(field, raw))


def normalize_cell(field: F.Field, value: Any) -> Any:
    """One workbook cell → a value for ``clean_value`` (None for blank). Raises ValueError (Chinese)."""
    if is_blank_cell(value):
        return None
    kind = field.kind
    if kind == F.CHOICE:
        return normalize_choice(field, value)
    if kind in (F.PHONE, F.TAX_NO, F.ACCOUNT_NO):
        return code_text(value)
    if kind in F.TEXT_KINDS:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return number_as_text(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()[:10]
        return to_half_width(clean_text(value, multiline=kind == F.LONGTEXT))
    if kind == F.PERCENT:
        return parse_percent(value)
    if kind in F.NUMBER_KINDS:
        try:
            return parse_amount(value, field.unit)
        except InvalidOperation:
            raise ValueError("请填数字") from None
    if kind == F.DATE:
        return parse_date(value)
    if kind == F.BOOL:
        return parse_bool(value)
    return value
