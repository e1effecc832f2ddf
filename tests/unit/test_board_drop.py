"""Which card the user dropped where, from the board before and after a drag."""
import datetime as dt

import pytest

from components.board import card_label, find_drop
from db.board_queries import BoardCard
from domain.cadence import ContactState, contact_note


@pytest.mark.parametrize("before, after, expected", [
    ([["a", "b"], ["c"]], [["a", "b"], ["c"]], None),             # nothing moved
    ([["a", "b"], ["c"]], [["b", "a"], ["c"]], None),             # reordered within a column: not a move
    ([["a", "b"], ["c"]], [["b"], ["c", "a"]], ("a", 1)),         # a → second column
    ([["a"], [], ["c"]], [[], [], ["a", "c"]], ("a", 2)),         # dropped on top of another card
    ([["a"], ["c"]], [["a"], ["c", "x"]], None),                  # an unknown label is ignored
])
def test_find_drop(before, after, expected):
    assert find_drop(before, after) == expected


def test_a_card_is_three_short_lines_naming_what_is_overdue_and_is_unique_by_number():
    card = BoardCard(1, "好运来", "KD-GD-2026-00001", "张伟", "广东 深圳", dt.datetime(2026, 1, 1))
    assert card_label(card) == "好运来\nKD-GD-2026-00001 · 张伟\n尚无跟进记录"
    today = dt.date(2026, 11, 25)
    status = ContactState(dt.date(2026, 11, 2), "一级：每 2 个月登门拜访一次", last_any=dt.date(2026, 11, 24),
                          last_phone=dt.date(2026, 11, 24))
    late = BoardCard(1, "好运来", "KD-GD-2026-00001", "张伟", "", card.updated_at, dt.date(2026, 11, 24), 23,
                     contact_note(status, today))
    assert card_label(late) == "⚠ 好运来\nKD-GD-2026-00001 · 张伟\n登门拜访逾期 23 天（从未登门）"
    assert card_label(BoardCard(2, "好运来", "KD-GD-2026-00002", "张伟", "", card.updated_at)) != card_label(card)
