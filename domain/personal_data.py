"""Personal data of contact persons (个人信息保护法, PIPL): what a request exports, and how erasure
works — the person's details are replaced by 已匿名化 everywhere they were written, while the company's
business history (who visited, what was sold, every change and its reason) stays."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from domain import fields as F

ANONYMISED = "已匿名化"
MARK = f"［{ANONYMISED}］"
PERSONAL = ("mobile", "phone", "birthday", "hobbies", "education", "notes")  # erased; 角色 and 职务 stay


class PersonalDataError(ValueError):
    pass


def check_reason(reason: str) -> str:
    if not reason.strip():
        raise PersonalDataError("请填写原因（例如：本人于某日来电要求删除其个人信息）")
    return reason.strip()


def secrets_of(name: str | None, numbers: list[str | None]) -> list[str]:
    """The strings that identify the person in free text: the full name (two characters or more) and
    each phone number as written and as bare digits. Longest first, so a number is replaced whole."""
    found = {name.strip()} if name and len(name.strip()) >= 2 and name.strip() != ANONYMISED else set()
    for number in numbers:
        if number and number.strip():
            found |= {number.strip(), re.sub(r"\D", "", number)}
    return sorted((s for s in found if len(s) >= 2), key=len, reverse=True)


def scrub(value: Any, secrets: list[str]) -> Any:
    """``value`` with every secret replaced by ［已匿名化］ (strings, and strings inside lists/dicts)."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MARK)
        return value
    if isinstance(value, list):
        return [scrub(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, secrets) for key, item in value.items()}
    return value


CONTACT_CHANGE = "联系人"  # the history's field for a contact row, written as one text per person


def scrub_change(change: dict[str, Any], secrets: list[str]) -> dict[str, Any]:
    """One history change with the person erased. A contact row's text (name, role, numbers, hobbies,
    earlier numbers too) is about the person alone, so it is replaced whole when it names them; any
    other text keeps its words with only the name and numbers replaced."""
    if change.get("field") != CONTACT_CHANGE:
        return scrub(change, secrets)
    return {key: MARK if key in ("old", "new") and isinstance(value, str) and any(s in value for s in secrets)
            else value for key, value in change.items()}


def export_record(contact: dict[str, Any], customer: dict[str, Any], mentions: list[dict[str, Any]],
                  exported_at: dt.datetime) -> dict[str, Any]:
    """The answer to an access request, in Chinese labels: the person's details, the archive they are
    a contact of, and every place the archive's records mention them."""
    details = {"姓名": contact.get("name")}
    details |= {label: _plain(contact.get(key)) for key, label in F.CONTACT_FIELDS.items() if key != "name"}
    return {"导出时间": exported_at.isoformat(timespec="seconds"), "个人信息": details,
            "所属客户档案": customer, "提及此人的记录": mentions}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
