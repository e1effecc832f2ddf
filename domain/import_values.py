"""The office's own words in choice columns (其他终端, 酒楼, 超市) and the archive's choices they stand for.

Before an import, every distinct value of a choice column that the field does not know is listed with
its count and a suggested choice; the user confirms or changes each (pages/import.py), and the answer
is kept with the mapping template and in the mapping JSON as ``"values": {"customer_type": {"其他终端":
"其他"}}`` (the command line reads it too). A value nobody mapped stays a row error, as before.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from domain import fields as F
from domain.import_normalize import CHOICE_ALIASES, clean_text, is_blank_cell, normalize_choice

ValueMap = dict[str, dict[str, str]]  # field → {office word: choice}


def suggest(field: F.Field, word: str) -> str | None:
    """The choice an office word most likely means: a known alias (酒楼 → 餐饮终端), else the longest
    choice the word begins or ends with, or that contains it (其他终端 → 其他, 大型商超 → 商超终端)."""
    if alias := CHOICE_ALIASES.get(field.name, {}).get(word):
        return alias
    for alias, choice in CHOICE_ALIASES.get(field.name, {}).items():
        if alias in word:
            return choice
    near = [c for c in field.choices if word.startswith(c) or word.endswith(c) or (len(word) >= 2 and word in c)]
    return max(near, key=len) if near else None


def unknown_values(rows: Sequence[Sequence[Any]], header_index: int, mapping: dict[int, str]
                   ) -> dict[str, Counter[str]]:
    """For each mapped choice field, the words of its column the field does not know, with their counts."""
    unknown: dict[str, Counter[str]] = {}
    for index, target in mapping.items():
        field = F.FIELDS_BY_NAME.get(target)
        if field is None or field.kind != F.CHOICE:
            continue
        for row in rows[header_index + 1:]:
            if index >= len(row) or is_blank_cell(row[index]):
                continue
            if normalize_choice(field, row[index]) not in field.choices:
                unknown.setdefault(target, Counter())[clean_text(row[index])] += 1
    return unknown


def mapped(value_map: ValueMap, field_name: str, raw: Any) -> Any:
    """The choice the user mapped this cell's word to, or the cell as it is."""
    words = value_map.get(field_name)
    if not words or is_blank_cell(raw):
        return raw
    return words.get(clean_text(raw), raw)


def checked(value_map: Any) -> ValueMap:
    """A value map read from a file or a template: only known fields and their real choices."""
    if not isinstance(value_map, dict):
        return {}
    result: ValueMap = {}
    for name, words in value_map.items():
        field = F.FIELDS_BY_NAME.get(name)
        if field is None or field.kind != F.CHOICE or not isinstance(words, dict):
            continue
        result[name] = {str(w): c for w, c in words.items() if c in field.choices}
    return result
