"""Normalising what offices type: full-width characters, company suffixes, phones, dates.

These keys decide when two archives are "the same customer" (duplicate check)
and are stored beside the archive so the check is one indexed query.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

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


_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial day 0 of Excel's 1900 date system
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
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value == int(value) and 19000101 <= value <= 21001231:
            return parse_date(str(int(value)))
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError("日期格式不对（如 2024-05-01、2024年5月）")
    text = _TIME_OF_DAY.sub("", to_ascii_form(str(value)).strip()).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in (*match.groups(), 1, 1)[:3])
            try:
                return dt.date(year, month, day)
            except ValueError:
                break
    raise ValueError("日期格式不对（如 2024-05-01、2024年5月、2024.5.1）")
