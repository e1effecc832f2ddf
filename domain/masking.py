"""Masking phone and bank numbers for roles that do not need them (an admin's choice, db/access.py).

Masked, a number keeps enough to recognise it on a call (138****8000) and no more. A masked
user reads the card, lists and reminders masked and does not edit the archive (the form would
otherwise save the masks back).
"""
from __future__ import annotations

import re
from typing import Any

from domain import fields as F

MASKED_FIELDS = tuple(f.name for f in F.ARCHIVE_FIELDS if f.is_masked)  # Field.masked, by kind unless declared
MASKED_CONTACT_FIELDS = ("mobile", "phone")
NOTICE = "电话和银行账号已按公司规定隐藏部分数字；如需完整信息或修改档案，请联系负责人。"


def mask_phone(value: str | None) -> str | None:
    """138****8000; 0755-****1234: the area code or first three digits and the last four stay."""
    if not value:
        return value
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "*" * len(value)
    if "-" in value:
        head, _, tail = value.partition("-")
        return f"{head}-{'*' * max(len(tail) - 4, 0)}{tail[-4:]}"
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_account(value: str | None) -> str | None:
    """Only the last four digits of a bank account stay."""
    if not value:
        return value
    return "**** " + value[-4:] if len(value) > 4 else "*" * len(value)


def mask_values(values: dict[str, Any]) -> dict[str, Any]:
    masked = dict(values)
    for name in ("phone", "fax"):
        masked[name] = mask_phone(masked.get(name))
    masked["account_no"] = mask_account(masked.get("account_no"))
    return masked


def mask_contacts(contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**c, **{k: mask_phone(c.get(k)) for k in MASKED_CONTACT_FIELDS}} for c in contacts]
