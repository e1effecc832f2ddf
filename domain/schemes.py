"""Editing classification schemes: what a class name and colour may be, and moving a class in the order.

Plain rules (no database); db/schemes.py applies them.
"""
from __future__ import annotations

import re

from domain.errors import UserFacingError

NAME_MAX = 40
MEANING_MAX = 200
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def clean_name(name: str, taken: set[str], what: str = "分类") -> str:
    """The trimmed name; refuses an empty, too long or already used one (``taken``: the other names)."""
    name = (name or "").strip()
    if not name:
        raise UserFacingError(f"请填写{what}名称")
    if len(name) > NAME_MAX:
        raise UserFacingError(f"{what}名称最多 {NAME_MAX} 个字")
    if name in taken:
        raise UserFacingError(f"已有名为「{name}」的{what}")
    return name


def clean_meaning(meaning: str) -> str | None:
    meaning = (meaning or "").strip()
    if len(meaning) > MEANING_MAX:
        raise UserFacingError(f"含义说明最多 {MEANING_MAX} 个字")
    return meaning or None


def clean_colour(colour: str) -> str:
    """A colour as #RRGGBB (what the colour picker gives)."""
    colour = (colour or "").strip()
    if not _COLOUR.match(colour):
        raise UserFacingError(f"颜色格式不对：{colour or '（空）'}，应为 #RRGGBB")
    return colour.lower()


def moved(order: list[int], item: int, step: int) -> list[int]:
    """``order`` with ``item`` moved ``step`` places (−1 up, +1 down), kept within the list."""
    position = order.index(item)
    target = min(max(position + step, 0), len(order) - 1)
    rest = [i for i in order if i != item]
    return rest[:target] + [item] + rest[target:]


def check_retire(active_left: int) -> None:
    """A scheme keeps at least one class that can still be chosen."""
    if active_left < 1:
        raise UserFacingError("每个分类方案至少要保留一个在用的分类")
