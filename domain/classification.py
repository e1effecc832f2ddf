"""Moving a customer between the classes of a scheme: when a move needs a reason.

Plain rules (no database): the board, the archive form and imports all ask here.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.errors import UserFacingError


@dataclass(frozen=True)
class ClassRef:
    """One class of a scheme as the rules see it."""

    id: int
    name: str
    order: int            # position in the scheme, best first
    terminal: bool = False  # 流失, 计划淘汰


class MoveRefused(UserFacingError):
    pass


def is_downgrade(ranked: bool, old: ClassRef | None, new: ClassRef) -> bool:
    """In a ranked scheme, moving down the list (A → B, 重点 → 普通) is a downgrade."""
    return ranked and old is not None and new.order > old.order


def reason_required(ranked: bool, old: ClassRef | None, new: ClassRef) -> bool:
    """Downgrades and moves into a terminal class (流失/淘汰) must say why; other moves may."""
    return new.terminal or is_downgrade(ranked, old, new)


def check_move(ranked: bool, old: ClassRef | None, new: ClassRef, reason: str) -> None:
    """Raises MoveRefused (Chinese) when the move is not allowed as given."""
    if old is not None and old.id == new.id:
        raise MoveRefused(f"客户已经在「{new.name}」中")
    if reason_required(ranked, old, new) and not reason.strip():
        why = f"移入「{new.name}」" if new.terminal else f"从「{old.name}」降到「{new.name}」"
        raise MoveRefused(f"{why}须填写原因")
