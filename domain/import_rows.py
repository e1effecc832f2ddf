"""From a sheet's rows to clean archive values, one row at a time, with row-level errors.

Plain rules, no database: the caller passes what it knows (class values,
users) as lookups. Row numbers are as Excel shows them (header row + 1 …).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Sequence

from domain import fields as F
from domain.import_mapping import (
    CLASS_PREFIX,
    CONTACT_MOBILE,
    CONTACT_NAME,
    CONTACT_PREFIX,
    CONTACT_TITLE,
    OWNER,
    REGION,
    header_text,
)
from domain.import_normalize import clean_text, code_text, is_blank_cell, normalize_grade, stored_value
from domain.import_values import ValueMap, mapped
from domain.normalize import MOBILE, format_phone, normalize_name, normalize_phone, normalize_tax_no
from domain.regions import find_region

KEY_LABELS = {"name": "客户名称", "phone": "电话", "tax": "税号"}


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class ParsedRow:
    row: int                                   # Excel row number
    cells: Sequence[Any]                       # the row as read, for the error workbook
    values: dict[str, Any]                     # cleaned registry values given in the file (blanks left out)
    owner: str | None = None
    contact: dict[str, Any] | None = None      # {name, mobile, title} of the 负责人
    classes: dict[str, int] = field(default_factory=dict)  # scheme code → class value id
    errors: list[RowError] = field(default_factory=list)
    duplicate_of: int | None = None            # earlier row of the same file with the same customer
    filled_in: set[str] = field(default_factory=set)  # fields taken from the defaults or the address, not a cell
    region: str | None = None                  # a 区域 cell (南京市玄武区), read into province, city, district
    further: dict[str, dict[str, Any]] = field(default_factory=dict)  # role → {name, mobile | phone}: 采购负责人…

    @property
    def contacts(self) -> list[dict[str, Any]]:
        """Every contact the row names, each with its role: the 负责人 first, then 采购负责人, 财务负责人…"""
        main = [{"role": "负责人", **self.contact}] if self.contact else []
        return main + [{"role": role, **c} for role, c in self.further.items()]

    @cached_property
    def keys(self) -> dict[str, str]:
        """The duplicate-check keys of this row (empty ones left out)."""
        keys = {"name": normalize_name(self.values.get("name")),
                "phone": normalize_phone(self.values.get("phone")),
                "tax": normalize_tax_no(self.values.get("tax_no"))}
        return {k: v for k, v in keys.items() if v}

    @cached_property
    def phone_keys(self) -> set[str]:
        phones = {self.values.get("phone"), (self.contact or {}).get("mobile")}
        return {k for k in map(normalize_phone, phones) if k}


@dataclass
class Lookups:
    """What a row may refer to: class values per scheme and the system's users."""

    class_values: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)  # code → [(id, code, name)]
    users: dict[str, int] = field(default_factory=dict)  # name or username → user id
    schemes: dict[str, tuple[int, str]] = field(default_factory=dict)  # scheme code → (id, name)
    value_names: dict[int, str] = field(default_factory=dict)  # class value id → name

    def class_ids(self, row: "ParsedRow") -> dict[int, int]:
        """scheme id → class value id for the classes a row names."""
        return {self.schemes[code][0]: value_id for code, value_id in row.classes.items()}

    def class_change(self, scheme_id: int, old: int | None, new: int | None) -> dict[str, str | None]:
        """A class change as the history shows it (分类·价值等级: B 优质 → A 战略合作)."""
        name = next((n for sid, n in self.schemes.values() if sid == scheme_id), str(scheme_id))
        label = f"分类·{name}"
        return {"field": label, "label": label, "old": self.value_names.get(old) if old else None,
                "new": self.value_names.get(new) if new else None}


def match_class(text: str, values: list[tuple[int, str, str]]) -> int | None:
    """'A', 'a', 'Ａ', 'A 战略合作', '战略合作', '重点' all find their class value."""
    wanted = normalize_grade(text)
    for value_id, code, name in values:
        if wanted.upper() in (code.upper(), name.upper()):
            return value_id
    for value_id, code, name in values:
        if name.startswith(wanted) or wanted.startswith(name) or name.endswith(wanted):
            return value_id
    return None


def parse_row(number: int, cells: Sequence[Any], headers: Sequence[Any], mapping: dict[int, str],
              lookups: Lookups, defaults: dict[str, Any] | None = None,
              value_map: ValueMap | None = None) -> ParsedRow | None:
    """One data row → ParsedRow; None when every mapped cell is blank."""
    width = len(cells)
    present = [(index, target, cells[index]) for index, target in mapping.items()
               if index < width and not is_blank_cell(cells[index])]
    if not present:
        return None
    parsed = ParsedRow(row=number, cells=cells, values={})
    contact: dict[str, Any] = {}
    for index, target, raw in present:
        try:
            _take(parsed, contact, target, mapped(value_map, target, raw) if value_map else raw, lookups)
        except ValueError as exc:
            parsed.errors.append(RowError(number, header_text(headers, index), _shown(raw), str(exc)))
    _apply_defaults(parsed, defaults or {})
    if contact.get("name") or contact.get("mobile"):
        parsed.contact = contact
    return parsed


def _take(parsed: ParsedRow, contact: dict[str, Any], target: str, raw: Any, lookups: Lookups) -> None:
    """Clean one cell into ``parsed``; raises ValueError with the Chinese reason."""
    if target in F.FIELDS_BY_NAME:
        parsed.values[target] = stored_value(target, raw)
    elif target == OWNER:
        name = clean_text(raw)
        if name not in lookups.users:
            raise ValueError(f"负责业务员「{name}」不是系统中的在职用户")
        parsed.owner = name
    elif target == CONTACT_NAME:
        contact["name"] = clean_text(raw)[:40]
    elif target == CONTACT_TITLE:
        contact["title"] = clean_text(raw)[:40]
    elif target.startswith(CONTACT_PREFIX):
        role, part = target.removeprefix(CONTACT_PREFIX).rsplit(":", 1)
        person = parsed.further.setdefault(role, {})
        if part == "name":
            person["name"] = clean_text(raw)[:40]
        else:
            number = format_phone(code_text(raw))
            person["mobile" if MOBILE.match(number) else "phone"] = number
    elif target == REGION:
        parsed.region = clean_text(raw)
    elif target == CONTACT_MOBILE:
        contact["mobile"] = format_phone(code_text(raw))
    elif target.startswith(CLASS_PREFIX):
        code = target.removeprefix(CLASS_PREFIX)
        values = lookups.class_values.get(code, [])
        value_id = match_class(clean_text(raw), values)
        if value_id is None:
            names = "、".join(name for _, _, name in values)
            scheme = lookups.schemes.get(code, (0, code))[1]
            raise ValueError(f"{scheme}中没有「{clean_text(raw)}」（可选：{names}）")
        parsed.classes[code] = value_id


def _apply_defaults(parsed: ParsedRow, defaults: dict[str, Any]) -> None:
    """Fill blanks: province, city and district from a 区域 cell, else the address, else the city
    (南京市玄武区 → 江苏 / 南京 / 玄武区); then the import's defaults."""
    if not {"province", "city", "district"} <= parsed.values.keys():
        region = find_region(parsed.region, parsed.values.get("address"), parsed.values.get("city"))
        for name, value in (("province", region.province), ("city", region.city), ("district", region.district)):
            if value and name not in parsed.values:
                parsed.values[name] = value
                parsed.filled_in.add(name)
    for name, value in defaults.items():
        if name in F.FIELDS_BY_NAME and value not in (None, "") and name not in parsed.values:
            parsed.values[name] = value
            parsed.filled_in.add(name)


def _shown(value: Any) -> str:
    return "" if value is None else str(value)[:200]


def mark_in_file_duplicates(rows: list[ParsedRow]) -> list[dict[str, Any]]:
    """Later rows naming a customer already named above (same name, phone or tax number) are marked;
    returns the groups: [{"rows": [3, 9], "by": "客户名称", "value": "…"}]."""
    first_by_key: dict[tuple[str, str], ParsedRow] = {}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if row.errors:
            continue
        for kind, key in row.keys.items():
            first = first_by_key.get((kind, key))
            if first is None:
                first_by_key[(kind, key)] = row
                continue
            group = groups.setdefault((kind, key), {"rows": [first.row], "by": KEY_LABELS[kind],
                                                    "value": _key_value(first, kind)})
            group["rows"].append(row.row)
            if row.duplicate_of is None:
                row.duplicate_of = first.row
    return list(groups.values())


def _key_value(row: ParsedRow, kind: str) -> str:
    return str(row.values.get({"name": "name", "phone": "phone", "tax": "tax_no"}[kind]) or "")
