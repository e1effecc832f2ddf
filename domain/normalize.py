"""Normalising what offices type: full-width characters, company suffixes, phones, dates.

These keys decide when two archives are "the same customer" (duplicate check)
and are stored beside the archive so the check is one indexed query.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from domain.errors import FieldErrors

# Longest first, so 有限责任公司 is removed whole rather than leaving 有限责任.
NAME_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "分公司", "公司", "专卖店", "旗舰店", "分店", "店",
)
_PUNCTUATION = re.compile(r"[\s\u3000()（）\[\]【】<>《》·.,，。、\-—_/\\'\"“”‘’:：;；]+")
_NOT_DIGIT = re.compile(r"\D")


# Full-width digits and Latin letters, and the ideographic space. Chinese punctuation
# such as （）and ，is left alone: it is correct in names and addresses.
_HALF_WIDTH = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                *range(0xFF41, 0xFF5B))}
_HALF_WIDTH[0x3000] = ord(" ")
_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # invisible; tab and line breaks stay


def drop_control(text: str) -> str:
    """Take out invisible control characters (a pasted \\x08 or \\x00), keeping tabs and line breaks."""
    return CONTROL_CHARACTERS.sub("", text)


def to_half_width(text: str) -> str:
    """Full-width letters, digits and the ideographic space become their half-width forms.

    >>> to_half_width("ＡＢＣ１２３　（有限公司）")
    'ABC123 （有限公司）'
    """
    return text.translate(_HALF_WIDTH) if _FULL_WIDTH.search(text) else text


def to_ascii_form(text: str) -> str:
    """Every full-width form (including －＋．＠) to ASCII: for phones, numbers, codes and emails."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def normalize_name(name: str | None) -> str:
    """Key for comparing customer names: ignores spaces, width, punctuation, case and suffixes.

    >>> normalize_name("  深圳市 好运来（餐饮）有限公司 ")
    '深圳市好运来餐饮'
    """
    if not name:
        return ""
    key = _PUNCTUATION.sub("", to_ascii_form(name)).lower()
    for suffix in NAME_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    return key


def normalize_phone(phone: str | None) -> str:
    """Key for comparing phone numbers: digits only, without the +86 country code or extension."""
    if not phone:
        return ""
    text = to_ascii_form(str(phone)).split("转")[0]
    digits = _NOT_DIGIT.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 6 else ""


def normalize_tax_no(tax_no: str | None) -> str:
    if not tax_no:
        return ""
    return re.sub(r"\s", "", to_ascii_form(tax_no)).upper()


def tax_key(tax_no: str | None, current: str = "") -> str:
    """The stored 税号 key (one live archive per key). An archive that shared an older archive's 税号
    before that rule keeps its suffixed key ``<key>#<id>`` (migration 482e2cbb0d6d) while its 税号 stays
    the same, so its other fields can still be edited; correcting the 税号 gives it a plain key."""
    key = normalize_tax_no(tax_no)
    return current if key and current.split("#")[0] == key else key


# --- phones: one stored form, so search, the duplicate check and exports agree -----------------
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）.]+")
MOBILE = re.compile(r"^1[3-9]\d{9}$")  # a mobile number, as format_phone stores it
_SERVICE = re.compile(r"^[48]00\d{7}$")  # 400 / 800 service numbers
PHONE_RULE = "手机 11 位；座机请带区号，如 0510-82720011（分机写在「转」后，如 0510-82720011转123）"


def format_phone(text: Any) -> str:
    """A phone as offices write it → its one stored form; raises ValueError (Chinese) if it is none.

    Mobiles are 11 digits (13800138000); landlines area code + 7–8 digits (0510-82720011), the area
    code 010/02x or 0 + three digits; an extension follows 转; +86 / 0086 is dropped; 400/800 numbers
    read 400-123-4567.

    >>> format_phone("0510 8272 0011"), format_phone("+86 138 0013 8000"), format_phone("021-1234567 ext 8")
    ('0510-82720011', '13800138000', '021-1234567转8')
    """
    raw = to_ascii_form(str(text)).strip()
    extension = ""
    if match := _EXTENSION.search(raw):
        extension, raw = match.group(1), raw[:match.start()]
    raw = raw.strip()
    country = re.match(r"^(\+\s*86|0086)[\s\-]*", raw)
    if country:
        raw = raw[country.end():]
    groups = [g for g in _PHONE_SEPARATORS.split(raw) if g]
    if not groups or not all(g.isdigit() for g in groups):
        raise ValueError(f"电话号码格式不对（{PHONE_RULE}）")
    digits = "".join(groups)
    if not country and digits.startswith("86") and MOBILE.match(digits[2:]):
        digits = digits[2:]  # 8613800138000
    elif country and not digits.startswith("0") and not MOBILE.match(digits):
        groups[0], digits = "0" + groups[0], "0" + digits  # +86 10 1234 5678: the area code without its 0
    if MOBILE.match(digits) and not extension:
        return digits
    if _SERVICE.match(digits) and not extension:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if digits.startswith("0") and len(digits) >= 10:
        if len(groups) > 1 and re.fullmatch(r"0\d{2,3}", groups[0]):
            area = groups[0]  # the office wrote the area code apart: take it as written
        else:
            area = digits[:3] if digits[1] in "12" else digits[:4]
        number = digits[len(area):]
        if re.fullmatch(r"0(10|2\d|[3-9]\d{2})", area) and 7 <= len(number) <= 8:
            return f"{area}-{number}" + (f"转{extension}" if extension else "")
    raise ValueError(f"电话号码格式不对（{PHONE_RULE}）")


def phone_or_as_is(value: Any) -> Any:
    """``format_phone``, or ``value`` unchanged when it reads as no phone (data stored before the rule)."""
    try:
        return format_phone(value) if value else value
    except ValueError:
        return value


# --- numbers and dates: exactly what was written, or a refusal ---------------------------------
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_MULTIPLIERS = {"亿": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1_000)}
_UNIT_TEXT = re.compile(r"^[^\d.,+\-eE]*$")  # 元, 天, 人, %, m², 平方米 … but no second number


def parse_amount(value: Any, unit: str = "") -> Decimal:
    """A number with separators, currency signs or units; 万/亿 are converted to the field's unit.
    Anything after the number must be a unit, not more digits: '12.3.4' and '1-2' are refused.

    '100,000' → 100000; '30天' → 30; '50万' → 50 for a field in 万元, 500000 for one in 元.
    """
    if isinstance(value, bool):
        raise ValueError("请填数字")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    text = to_ascii_form(str(value)).strip().replace(",", "").replace("，", "").replace(" ", "")
    text = text.lstrip("¥￥$").removeprefix("RMB")
    match = _NUMBER.match(text)
    if not match:
        raise ValueError("请填数字")
    number = Decimal(match.group(0))
    rest = text[match.end():]
    multiplier = _MULTIPLIERS.get(rest[:1])
    if not _UNIT_TEXT.match(rest[1:] if multiplier else rest):
        raise ValueError(f"「{value}」不是一个数字")
    if multiplier is None:
        return number
    in_yuan = number * multiplier
    return in_yuan / Decimal(10_000) if unit == "万元" else in_yuan


def parse_money(text: str | None, field: str = "amount") -> Decimal | None:
    """An amount in 元 as the office types it, to the fen: '12800', '12,800.00', '¥1.28万', full-width
    digits. An empty box is None. Refused beside the box (FieldErrors on ``field``), never changed
    without a word: text that is not one number ('12.3.4') and more than two decimals ('1.005' would
    have to be rounded)."""
    if text is None or not str(text).strip():
        return None
    try:
        amount = parse_amount(text, "元")
    except ValueError:
        raise FieldErrors({field: f"「{str(text).strip()}」不是一个金额，请填写如 12800 或 1.28万"}) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldErrors({field: f"「{str(text).strip()}」超过两位小数：金额记到分，如 1.01"})
    return amount


_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial day 0 of Excel's 1900 date system
EARLIEST = dt.date(1900, 1, 1)
# A number in a date column: a year if it looks like one, else an Excel serial from 1910 to 2100.
# Years and serials cannot be confused: serials of 1900–2100 are days in 1905.
YEARS = range(1900, 2101)
SERIALS = range((dt.date(1910, 1, 1) - _EXCEL_EPOCH).days, (dt.date(2100, 12, 31) - _EXCEL_EPOCH).days + 1)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年?$"),
)
_TIME_OF_DAY = re.compile(r"[ T]*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_date(value: Any) -> dt.date:
    """Excel dates and serial numbers, and text as offices write it (2019年5月 → 2019-05-01)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value < EARLIEST:
            raise ValueError("日期不能早于 1900 年")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value == int(value) and int(value) in YEARS:
            return dt.date(int(value), 1, 1)  # 2008 typed as a number: the year 2008
        if value == int(value) and 19000101 <= value <= 21001231:
            return parse_date(str(int(value)))
        if int(value) in SERIALS:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"日期格式不对（「{value:g}」不是年份也不是日期；如 2024-05-01、2024年5月、2008）")
    text = _TIME_OF_DAY.sub("", to_ascii_form(str(value)).strip()).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in (*match.groups(), 1, 1)[:3])
            try:
                parsed = dt.date(year, month, day)
            except ValueError:
                break
            if parsed < EARLIEST:
                raise ValueError("日期不能早于 1900 年")
            return parsed
    raise ValueError("日期格式不对（如 2024-05-01、2024年5月、2024.5.1）")
