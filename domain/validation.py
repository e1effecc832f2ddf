"""Validation of an archive card: one entry point, one small rule per check.

``validate_archive`` takes what the user typed (strings, numbers, dates or
None) and returns the cleaned values plus Chinese error messages keyed by
field name, so the form can show each message beside its field.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from domain import fields as F
from domain.errors import FieldErrors
from domain.formatting import local_today
from domain.normalize import (
    PHONE_RULE,
    drop_control,
    format_phone,
    parse_amount,
    parse_date,
    to_ascii_form,
    to_half_width,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TAX_NO_RE = re.compile(r"^[0-9A-Z]{15}$|^[0-9A-Z]{18}$|^[0-9A-Z]{20}$")
ACCOUNT_RE = re.compile(r"^[0-9\- ]{6,40}$")


class ValidationError(FieldErrors):
    """Raised by a write when the card has errors; ``errors`` maps field → message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors, "；".join(f"{_label(k)}：{v}" for k, v in errors.items()))


def _label(name: str) -> str:
    field = F.FIELDS_BY_NAME.get(name)
    return field.label if field else name


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_value(field: F.Field, raw: Any) -> Any:
    """Turn one raw value into the stored value, or raise ValueError with a Chinese reason."""
    if isinstance(raw, str):
        raw = drop_control(raw)
    if is_blank(raw):
        return None
    if field.kind in F.TEXT_KINDS:
        return _clean_text(field, raw)
    if field.kind in F.NUMBER_KINDS:
        return _clean_number(field, raw)
    if field.kind == F.DATE:
        return parse_date(raw)
    if field.kind == F.BOOL:
        return _clean_bool(raw)
    raise ValueError(f"未知的字段类型 {field.kind}")


def _clean_text(field: F.Field, raw: Any) -> str:
    code_like = field.kind in (F.PHONE, F.EMAIL, F.URL, F.TAX_NO, F.ACCOUNT_NO)
    text = (to_ascii_form if code_like else to_half_width)(str(raw)).strip()
    if field.kind == F.TAX_NO:
        text = text.replace(" ", "").upper()
    if field.kind == F.PHONE:
        text = format_phone(text)
    if len(text) > field.max_length:
        raise ValueError(f"不能超过 {field.max_length} 个字（现在 {len(text)} 个字），请删减")
    if field.kind == F.CHOICE and text not in field.choices:
        raise ValueError(f"只能是：{'、'.join(field.choices)}")
    if field.kind == F.EMAIL and not EMAIL_RE.match(text):
        raise ValueError("邮箱格式不对（如 name@example.com）")
    if field.kind == F.TAX_NO and not TAX_NO_RE.match(text):
        raise ValueError("税号应为 15、18 或 20 位数字或大写字母")
    if field.kind == F.ACCOUNT_NO and not ACCOUNT_RE.match(text):
        raise ValueError("账号只能有数字（可含空格或 -）")
    return text


def _clean_number(field: F.Field, raw: Any) -> int | Decimal:
    try:
        number = parse_amount(raw, field.unit) if isinstance(raw, str) else Decimal(str(raw))
    except InvalidOperation:
        raise ValueError("请填数字") from None
    if not number.is_finite():
        raise ValueError("请填数字")
    if abs(number) >= 10**12:
        raise ValueError("数字太大，请检查单位（万元、元）")
    if field.kind == F.INT:
        if number != number.to_integral_value():
            raise ValueError("请填整数")
        number = int(number)
    else:
        cents = number.quantize(Decimal("0.01"))
        # A float is a workbook's binary number (0.30000000000000004 is 0.3 in Excel's eyes); typed text
        # with more places would be stored as another number.
        if abs(cents - number) > (Decimal("1e-9") if isinstance(raw, float) else 0):
            raise ValueError("最多两位小数")
        number = cents
    if field.minimum is not None and number < field.minimum:
        raise ValueError(f"不能小于 {field.minimum:g}")
    if field.maximum is not None and number > field.maximum:
        raise ValueError(f"不能大于 {field.maximum:g}")
    return number


def _clean_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    if text in ("是", "有", "Y", "y", "1", "true", "True"):
        return True
    if text in ("否", "无", "N", "n", "0", "false", "False"):
        return False
    raise ValueError("只能填 是 或 否")


# Rules across fields. Each returns {field: message} for what it finds wrong.

def rule_required(values: dict[str, Any]) -> dict[str, str]:
    return {f.name: "必填" for f in F.ARCHIVE_FIELDS
            if f.required and f.applies_to(values.get("customer_type")) and is_blank(values.get(f.name))}


def rule_tripartite_complete(values: dict[str, Any]) -> dict[str, str]:
    if values.get("tripartite_signed") and values.get("tripartite_date") is None:
        return {"tripartite_date": "已签订三方协议时，请填写签订日期"}
    return {}


def rule_dates_not_in_future(values: dict[str, Any], today: dt.date) -> dict[str, str]:
    return {name: "不能晚于今天" for name in ("founded_on", "tripartite_date")
            if isinstance(values.get(name), dt.date) and values[name] > today}


def validate_archive(raw: dict[str, Any], today: dt.date | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean every registry field of ``raw``; return (values, errors)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in F.ARCHIVE_FIELDS:
        try:
            values[field.name] = clean_value(field, raw.get(field.name))
        except ValueError as exc:
            errors[field.name] = str(exc)
            values[field.name] = None
    return values, check_archive(values, errors, today)


def check_archive(values: dict[str, Any], errors: dict[str, str] | None = None,
                  today: dt.date | None = None) -> dict[str, str]:
    """Run the rules across fields on already-cleaned ``values``; returns ``errors`` with theirs added.

    Fields that do not apply to the customer type (e.g. restaurant extras for a
    supermarket) are cleared, so they neither count nor linger.
    """
    errors = dict(errors or {})
    today = today or local_today()
    for field in F.ARCHIVE_FIELDS:
        if field.only_for_type and not field.applies_to(values.get("customer_type")):
            values[field.name] = None
            errors.pop(field.name, None)
    for rule in (rule_required, rule_tripartite_complete):
        for name, message in rule(values).items():
            errors.setdefault(name, message)
    for name, message in rule_dates_not_in_future(values, today).items():
        errors.setdefault(name, message)
    return errors


def validate_contacts(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Clean the contacts table; blank rows are dropped. Errors name the row (第 N 行)."""
    cleaned, errors = [], []
    for index, row in enumerate(rows, start=1):
        if all(is_blank(v) for k, v in row.items() if k != "id"):
            continue
        row = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        if is_blank(row.get("name")):
            errors.append(f"联系人第 {index} 行：姓名必填")
        if not is_blank(row.get("role")) and row["role"] not in F.CONTACT_ROLES:
            errors.append(f"联系人第 {index} 行：角色只能是 {'、'.join(F.CONTACT_ROLES)}")
        for key in ("mobile", "phone"):
            value = row.get(key)
            if not is_blank(value):
                try:
                    row[key] = format_phone(value)
                except ValueError:
                    errors.append(f"联系人第 {index} 行：{F.CONTACT_FIELDS[key]}格式不对（{PHONE_RULE}）")
        if not is_blank(row.get("birthday")):
            try:
                row["birthday"] = parse_date(row["birthday"])
            except ValueError as exc:
                errors.append(f"联系人第 {index} 行：生日{exc}")
        cleaned.append(row)
    return cleaned, errors


def validate_priced_rows(rows: list[dict[str, Any]], section: str,
                         price_keys: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[str]]:
    """Clean product or competitor rows: a name is required, prices are non-negative numbers."""
    cleaned, errors = [], []
    for index, row in enumerate(rows, start=1):
        if all(is_blank(v) for k, v in row.items() if k != "id"):
            continue
        row = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        if is_blank(row.get("product")):
            errors.append(f"{section}第 {index} 行：名称必填")
        for key in price_keys:
            if is_blank(row.get(key)):
                row[key] = None
                continue
            try:
                price = Decimal(str(row[key]).replace(",", ""))
            except InvalidOperation:
                errors.append(f"{section}第 {index} 行：价格请填数字")
                continue
            if price < 0:
                errors.append(f"{section}第 {index} 行：价格不能为负数")
            row[key] = price.quantize(Decimal("0.01"))
        cleaned.append(row)
    return cleaned, errors


def validate_sales(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Clean monthly sales rows {product, 1..12}: quantities are non-negative whole numbers."""
    cleaned, errors = [], []
    for index, row in enumerate(rows, start=1):
        months = {m: row.get(m) for m in F.MONTHS}
        if is_blank(row.get("product")) and all(is_blank(v) or v == 0 for v in months.values()):
            continue
        if is_blank(row.get("product")):
            errors.append(f"月度销量第 {index} 行：品种必填")
        clean_months = {}
        for month, qty in months.items():
            if is_blank(qty):
                continue
            try:
                number = Decimal(str(qty))
            except InvalidOperation:
                errors.append(f"月度销量第 {index} 行 {month} 月：请填数字")
                continue
            if number < 0 or number != number.to_integral_value():
                errors.append(f"月度销量第 {index} 行 {month} 月：请填非负整数")
                continue
            if number:
                clean_months[month] = int(number)
        cleaned.append({"product": str(row.get("product") or "").strip(), "months": clean_months})
    return cleaned, errors
