"""Normalising what offices type: full-width characters, company suffixes, phones.

These keys decide when two archives are "the same customer" (duplicate check)
and are stored beside the archive so the check is one indexed query.
"""
from __future__ import annotations

import re
import unicodedata

# Longest first, so 有限责任公司 is removed whole rather than leaving 有限责任.
NAME_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "分公司", "公司", "专卖店", "旗舰店", "分店", "店",
)
_PUNCTUATION = re.compile(r"[\s\u3000()（）\[\]【】<>《》·.,，。、\-—_/\\'\"“”‘’:：;；]+")
_NOT_DIGIT = re.compile(r"\D")


def to_half_width(text: str) -> str:
    """Full-width letters, digits and the ideographic space become their half-width forms."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


def normalize_name(name: str | None) -> str:
    """Key for comparing customer names: ignores spaces, width, punctuation, case and suffixes.

    >>> normalize_name("  深圳市 好运来（餐饮）有限公司 ")
    '深圳市好运来餐饮'
    """
    if not name:
        return ""
    key = _PUNCTUATION.sub("", to_half_width(name)).lower()
    for suffix in NAME_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    return key


def normalize_phone(phone: str | None) -> str:
    """Key for comparing phone numbers: digits only, without the +86 country code or extension."""
    if not phone:
        return ""
    text = to_half_width(str(phone)).split("转")[0]
    digits = _NOT_DIGIT.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 6 else ""


def normalize_tax_no(tax_no: str | None) -> str:
    if not tax_no:
        return ""
    return re.sub(r"\s", "", to_half_width(tax_no)).upper()
