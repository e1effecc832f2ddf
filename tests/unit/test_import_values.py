"""The office's words in choice columns (issue 18 item 2): each unknown word is listed with its count and
a suggested choice; a confirmed mapping turns it into that choice; an unmapped word stays as written."""
import pytest

from domain import fields as F
from domain.import_values import checked, mapped, suggest, unknown_values

TYPE = F.FIELDS_BY_NAME["customer_type"]


@pytest.mark.parametrize("word, choice", [
    ("其他终端", "其他"), ("超市", "商超终端"), ("酒楼", "餐饮终端"), ("大型商超", "商超终端"),
    ("连锁药店", "医院/药店"), ("外星人", None),
])
def test_a_suggestion_for_each_office_word(word, choice):
    assert suggest(TYPE, word) == choice


def test_unknown_words_are_listed_with_their_counts_once_per_word():
    rows = [["客户名称", "终端类型"], ["甲", "餐饮终端"], ["乙", "其他终端"], ["丙", "其他终端 "], ["丁", None],
            ["戊", "外星人"]]
    assert unknown_values(rows, 0, {0: "name", 1: "customer_type"}) == {"customer_type": {"其他终端": 2, "外星人": 1}}


def test_a_mapping_changes_only_the_words_it_names_and_is_checked_when_read():
    value_map = checked({"customer_type": {"其他终端": "其他", "外星人": "火星"}, "no_such_field": {"a": "b"}})
    assert value_map == {"customer_type": {"其他终端": "其他"}}  # 火星 is not a choice; unknown fields dropped
    assert mapped(value_map, "customer_type", " 其他终端") == "其他"
    assert mapped(value_map, "customer_type", "外星人") == "外星人"  # still refused by the field's rule
    assert mapped(value_map, "province", "江苏") == "江苏"
