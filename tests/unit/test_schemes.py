import pytest

from domain import schemes
from domain.errors import UserFacingError


@pytest.mark.parametrize("order, item, step, expected", [
    ([1, 2, 3], 2, -1, [2, 1, 3]),
    ([1, 2, 3], 2, +1, [1, 3, 2]),
    ([1, 2, 3], 1, -1, [1, 2, 3]),  # the first stays first
    ([1, 2, 3], 3, +1, [1, 2, 3]),  # the last stays last
    ([7], 7, +1, [7]),
])
def test_moving_a_class_in_the_order(order, item, step, expected):
    assert schemes.moved(order, item, step) == expected


@pytest.mark.parametrize("name, taken, message", [
    ("", set(), "请填写分类名称"),
    ("   ", set(), "请填写分类名称"),
    ("重点客户", {"重点客户"}, "已有名为「重点客户」的分类"),
    ("长" * 41, set(), "分类名称最多 40 个字"),
])
def test_bad_class_names_are_refused(name, taken, message):
    with pytest.raises(UserFacingError, match=message):
        schemes.clean_name(name, taken)


def test_names_are_trimmed_and_colours_normalised():
    assert schemes.clean_name("  战略客户 ", {"重点客户"}) == "战略客户"
    assert schemes.clean_colour("#D62728") == "#d62728"
    with pytest.raises(UserFacingError, match="颜色格式不对：red"):
        schemes.clean_colour("red")


def test_a_scheme_keeps_one_usable_class():
    schemes.check_retire(1)
    with pytest.raises(UserFacingError, match="至少要保留一个在用的分类"):
        schemes.check_retire(0)
