"""Which card the user dropped where, from the board before and after a drag."""
import datetime as dt

import pytest

from components.board import card_label, find_drop
from db.board_queries import BoardCard


@pytest.mark.parametrize("before, after, expected", [
    ([["a", "b"], ["c"]], [["a", "b"], ["c"]], None),             # nothing moved
    ([["a", "b"], ["c"]], [["b", "a"], ["c"]], None),             # reordered within a column: not a move
    ([["a", "b"], ["c"]], [["b"], ["c", "a"]], ("a", 1)),         # a → second column
    ([["a"], [], ["c"]], [[], [], ["a", "c"]], ("a", 2)),         # dropped on top of another card
    ([["a"], ["c"]], [["a"], ["c", "x"]], None),                  # an unknown label is ignored
])
def test_find_drop(before, after, expected):
    assert find_drop(before, after) == expected


def test_card_label_shows_name_number_owner_region_last_follow_up_and_is_unique_by_number():
    card = BoardCard(1, "好运来", "KD-GD-2026-00001", "张伟", "广东 深圳", dt.datetime(2026, 1, 1))
    assert card_label(card) == "好运来\nKD-GD-2026-00001 · 张伟 · 广东 深圳\n尚无跟进"
    late = BoardCard(1, "好运来", "KD-GD-2026-00001", "张伟", "", card.updated_at, dt.date(2026, 11, 2), 23)
    assert card_label(late) == "⚠ 好运来\nKD-GD-2026-00001 · 张伟\n上次跟进 2026-11-02 · 逾期 23 天"
    assert card_label(BoardCard(2, "好运来", "KD-GD-2026-00002", "张伟", "", card.updated_at)) != card_label(card)
