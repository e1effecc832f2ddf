"""Columns read by what they hold, not only by their header (issue 18 item 1).

A header names a field; the column's values may say otherwise. 终端类型 holding 餐饮终端 / 商超终端 /
其他终端 is 客户类型, not 终端细分; a 负责人 column holding the names of our own reps is the owner, not the
customer's contact. ``by_content`` changes such columns and says why, for the preview
(「根据内容识别为 客户类型」); columns whose values fit their header are left as they are.
"""
from __future__ import annotations

from typing import Any, Sequence

from domain import fields as F
from domain.import_mapping import CONTACT_NAME, OWNER, target_label
from domain.import_normalize import clean_text, is_blank_cell, normalize_choice, stored_value

SAMPLE_ROWS = 200     # enough rows to judge a column, few enough to judge it at once
FITS = 0.5            # a column fits a choice field when at least half its values are that field's choices
CLEAR = 0.8           # a column no header names is read by its values when four in five fit one field
MIN_VALUES = 3        # … and it has at least this many values to judge by


def by_content(rows: Sequence[Sequence[Any]], header_index: int, mapping: dict[int, str],
               user_names: set[str]) -> tuple[dict[int, str], dict[int, str]]:
    """The mapping with columns moved to the field their values fit, columns whose header names nothing
    we know mapped by their values alone when these are clear, and a note per column so read."""
    sample = rows[header_index + 1:header_index + 1 + SAMPLE_ROWS]
    result, notes = dict(mapping), {}

    def values_of(index: int) -> list[str]:
        return [clean_text(row[index]) for row in sample if index < len(row) and not is_blank_cell(row[index])]

    for index, target in mapping.items():
        values = values_of(index)
        if not values:
            continue
        better = _better_target(target, values, set(result.values()) - {target}, user_names)
        if better:
            result[index] = better
            notes[index] = f"根据内容识别为 {target_label(better)}"
    width = max((len(row) for row in sample), default=0)
    for index in range(width):
        values = values_of(index) if index not in result else []
        if len(values) >= MIN_VALUES and (found := _target_of(values, set(result.values()), user_names)):
            result[index] = found
            notes[index] = f"根据内容识别为 {target_label(found)}"
    return result, notes


def _target_of(values: list[str], taken: set[str], user_names: set[str]) -> str | None:
    """What a column no header names clearly holds: our reps' names, one choice field's words (not two
    fields' alike: 高/中/低 and 大/中/小 share 中), or phone numbers; None when unclear."""
    if OWNER not in taken and sum(v in user_names for v in values) / len(values) >= CLEAR:
        return OWNER
    fits = sorted(((_fit(f, values), f.name) for f in F.ARCHIVE_FIELDS if f.kind == F.CHOICE and f.name not in taken),
                  reverse=True)
    if fits and fits[0][0] >= CLEAR and (len(fits) == 1 or fits[1][0] < fits[0][0]):
        return fits[0][1]
    if "phone" not in taken and sum(_is_phone(v) for v in values) / len(values) >= CLEAR:
        return "phone"
    return None


def _is_phone(value: str) -> bool:
    try:
        stored_value("phone", value)
    except ValueError:
        return False
    return True


def _better_target(target: str, values: list[str], taken: set[str], user_names: set[str]) -> str | None:
    field = F.FIELDS_BY_NAME.get(target)
    if field is not None and field.kind == F.CHOICE:
        own = _fit(field, values)
        if own >= FITS:
            return None
        others = [f for f in F.ARCHIVE_FIELDS if f.kind == F.CHOICE and f.name not in taken and f.name != target]
        best = max(others, key=lambda f: _fit(f, values), default=None)
        return best.name if best is not None and _fit(best, values) >= FITS and _fit(best, values) > own else None
    ours = sum(v in user_names for v in values) / len(values)
    if target == CONTACT_NAME and ours >= 0.8 and OWNER not in taken:
        return OWNER  # 负责人 = our rep, as elsewhere in the app. (A 业务员 column naming nobody of ours stays
    return None       # the owner: its rows are refused by name, rather than its reps becoming contacts.)


def _fit(field: F.Field, values: list[str]) -> float:
    return sum(normalize_choice(field, v) in field.choices for v in values) / len(values)
