"""Which column of an office workbook holds which archive field.

Headers are matched against the field registry's labels plus the synonyms
offices really use; the header row is the first row that matches several of
them (title rows and "整理人/填表时间" rows above it match nothing).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from domain import fields as F
from domain.normalize import to_ascii_form

# Import targets beyond the registry fields.
OWNER, CONTACT_NAME, CONTACT_MOBILE, CONTACT_TITLE = "owner", "contact_name", "contact_mobile", "contact_title"
REGION = "region"  # 南京市玄武区: province, city and district in one cell (domain/regions.py)
CLASS_PREFIX = "class:"  # class:<scheme code>, e.g. class:value
# Further contacts with their role (采购负责人 / 采购电话, 财务 / 财务电话, 老板 / 老板电话): targets
# contact:<role>:name and contact:<role>:phone, each becoming one more contact of the archive.
CONTACT_PREFIX = "contact:"
FURTHER_CONTACTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # role → (name headers, phone headers)
    "采购负责人": (("采购负责人", "采购", "采购经理", "采购员", "采购联系人"),
              ("采购电话", "采购手机", "采购负责人电话", "采购负责人手机", "采购联系电话")),
    "财务负责人": (("财务负责人", "财务", "财务经理", "会计", "财务联系人"),
              ("财务电话", "财务手机", "财务负责人电话", "财务负责人手机", "会计电话")),
    "决策人": (("老板", "老板姓名", "决策人", "老板/决策人"), ("老板电话", "老板手机", "决策人电话", "决策人手机")),
}


def further_contact(role: str, part: str) -> str:
    return f"{CONTACT_PREFIX}{role}:{part}"


EXTRA_LABELS = {OWNER: "负责业务员", CONTACT_NAME: "联系人（负责人）", CONTACT_MOBILE: "联系人手机",
                CONTACT_TITLE: "联系人职务", REGION: "区域（省市区）",
                **{further_contact(role, "name"): f"{role}（姓名）" for role in FURTHER_CONTACTS},
                **{further_contact(role, "phone"): f"{role}电话" for role in FURTHER_CONTACTS}}

# Headers of the import targets that are not archive fields (a field's own are Field.synonyms).
SYNONYMS: dict[str, tuple[str, ...]] = {
    REGION: ("区域", "地区", "所在地", "所在地区", "所属区域", "省市区", "所在区域"),
    OWNER: ("业务员", "负责业务员", "客户经理", "跟进人", "归属业务员", "所属业务员", "销售代表", "业务负责人",
            "档案负责人"),
    CONTACT_NAME: ("负责人", "联系人", "经营者", "店主", "联系人姓名", "负责人姓名", "关键联系人"),
    CONTACT_MOBILE: ("联系人手机", "联系人电话", "负责人电话", "负责人手机"),
    CONTACT_TITLE: ("职务", "联系人职务"),
    **{further_contact(role, "name"): names for role, (names, _) in FURTHER_CONTACTS.items()},
    **{further_contact(role, "phone"): phones for role, (_, phones) in FURTHER_CONTACTS.items()},
    CLASS_PREFIX + "value": ("客户等级", "等级", "级别", "价值等级", "客户级别"),
    CLASS_PREFIX + "importance": ("重要性", "客户重要性"),
    CLASS_PREFIX + "horizon": ("成交周期",),
    CLASS_PREFIX + "intent": ("购买意向", "意向等级"),
    CLASS_PREFIX + "tracking": ("跟踪类别",),
    CLASS_PREFIX + "lifecycle": ("生命周期", "客户阶段"),
    CLASS_PREFIX + "distribution": ("分销类型",),
    CLASS_PREFIX + "service": ("服务等级",),
}

_MARKS = re.compile(r"[\s*:：]")
_TRAILING_UNIT = re.compile(r"[（(][^）)]*[）)]$")
HEADER_SCAN_ROWS = 30
MIN_HEADER_MATCHES = 3


def header_key(header: Any) -> str:
    """How a header compares: no spaces, width, case, required marks (*) or unit in brackets.

    >>> header_key(" 注册资金（万元）* ")
    '注册资金'
    """
    if header is None:
        return ""
    text = to_ascii_form(str(header)).strip().lower()
    return _TRAILING_UNIT.sub("", _MARKS.sub("", text))


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for field in F.ARCHIVE_FIELDS:
        lookup[header_key(field.label)] = field.name
    for field in F.ARCHIVE_FIELDS:
        for name in field.synonyms:
            lookup.setdefault(header_key(name), field.name)
    for target, names in SYNONYMS.items():
        for name in names:
            lookup.setdefault(header_key(name), target)
    return lookup


_LOOKUP = _build_lookup()


def target_for(header: Any) -> str | None:
    """The import target a header names, or None."""
    return _LOOKUP.get(header_key(header))


def target_label(target: str, scheme_names: dict[str, str] | None = None) -> str:
    """Chinese name of an import target, for the mapping table and error messages."""
    if target in F.FIELDS_BY_NAME:
        return F.FIELDS_BY_NAME[target].label
    if target.startswith(CLASS_PREFIX):
        code = target.removeprefix(CLASS_PREFIX)
        return f"分类·{(scheme_names or {}).get(code, code)}"
    return EXTRA_LABELS.get(target, target)


def all_targets(scheme_codes: Iterable[str]) -> list[str]:
    """Every target a column may be mapped to: registry fields, owner, contact, class schemes."""
    return [f.name for f in F.ARCHIVE_FIELDS] + list(EXTRA_LABELS) + [CLASS_PREFIX + c for c in scheme_codes]


def detect_header_row(rows: Sequence[Sequence[Any]]) -> int | None:
    """Index of the first row that names several known fields; None when no row does."""
    best, best_count = None, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        count = len({t for t in map(target_for, row) if t})
        if count >= MIN_HEADER_MATCHES:
            return index
        if count > best_count:
            best, best_count = index, count
    return best if best_count >= 2 else None


def auto_mapping(headers: Sequence[Any]) -> dict[int, str]:
    """Column index → target for the headers we recognise; each target is taken once (first column wins)."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        target = target_for(header)
        if target and target not in mapping.values():
            mapping[index] = target
    return mapping


def column_name(index: int) -> str:
    """Excel's letter for a 0-based column index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_text(headers: Sequence[Any], index: int) -> str:
    """A column's header as the user sees it, or its letter when the header cell is empty."""
    value = headers[index] if index < len(headers) else None
    text = str(value).strip() if value is not None else ""
    return text or f"{column_name(index)} 列"


def unmapped_columns(rows: Sequence[Sequence[Any]], header_index: int, mapping: dict[int, str]) -> list[str]:
    """The columns that will not be imported, as the user sees them: each with a header, and each
    without one that holds values below the header ("F 列") — nothing is dropped without a word."""
    headers = rows[header_index] if header_index < len(rows) else []
    width = max((len(row) for row in rows[header_index:]), default=0)
    unnamed = {i for i in range(width) if i not in mapping and (i >= len(headers) or headers[i] in (None, ""))}
    filled: set[int] = set()
    for row in rows[header_index + 1:] if unnamed else ():
        filled |= {i for i in unnamed - filled if i < len(row) and not _blank(row[i])}
        if filled == unnamed:
            break
    return [header_text(headers, i) for i in range(width)
            if i not in mapping and ((i < len(headers) and headers[i] not in (None, "")) or i in filled)]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def mapping_from_headers(headers: Sequence[Any], by_header: dict[str, str]) -> dict[int, str]:
    """Apply a saved template ({header text: target}) to this file's headers."""
    wanted = {header_key(h): t for h, t in by_header.items() if t}
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        target = wanted.get(header_key(header))
        if target and target not in mapping.values():
            mapping[index] = target
    return mapping
