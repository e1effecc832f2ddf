"""Every suggestion rule, table by table (domain/suggestions.py)."""
import datetime as dt

import pytest

from domain.suggestions import Facts, Suggestion, horizon, lifecycle, suggest, value_grade

TODAY = dt.date(2026, 11, 23)
LONG_AGO = dt.date(2024, 3, 1)
RECENT = dt.date(2026, 9, 1)


@pytest.mark.parametrize("current, first_order, agreement, expected", [
    ("target", None, False, None),                                         # nothing happened yet
    ("target", RECENT, False, ("new", "2026年09月首次进货")),
    (None, RECENT, False, ("new", "2026年09月首次进货")),                   # 未分类 with an order
    ("new", RECENT, False, None),                                          # already 新签
    ("new", RECENT, True, ("long", "已签订长期协议（三方协议）")),
    ("new", None, True, ("long", "已签订长期协议（三方协议）")),              # 新签 without sales rows yet
    ("target", RECENT, True, ("long", "已签订长期协议（三方协议）")),         # straight to 长期
    ("target", None, True, None),                                          # an agreement but no order: wait
    ("long", RECENT, True, None),
    ("lost", RECENT, True, None),                                          # 流失 is for people to undo
])
def test_lifecycle(current, first_order, agreement, expected):
    found = lifecycle(Facts(current={"lifecycle": current}, first_order=first_order, agreement=agreement), TODAY)
    assert (found and (found.to, found.reason)) == (expected or None)


@pytest.mark.parametrize("deal, first_order, expected", [
    (None, None, None),
    (dt.date(2026, 11, 23), None, "A"),         # today
    (dt.date(2026, 12, 24), None, "A"),         # 31 days
    (dt.date(2026, 12, 25), None, "B"),         # 32 days
    (dt.date(2027, 2, 23), None, "B"),          # 92 days
    (dt.date(2027, 5, 25), None, "C"),          # 183 days
    (dt.date(2027, 5, 26), None, "D"),
    (dt.date(2026, 11, 1), None, None),         # already past: the rep must update the date
    (dt.date(2026, 12, 1), RECENT, None),       # already ordering: no horizon to guess
])
def test_horizon(deal, first_order, expected):
    found = horizon(Facts(current={}, expected_deal=deal, first_order=first_order), TODAY)
    assert (found and found.to) == expected


def test_horizon_reason_names_the_date_and_days():
    found = horizon(Facts(current={}, expected_deal=dt.date(2026, 12, 3)), TODAY)
    assert found == Suggestion("horizon", "A", "预计成交日期 2026-12-03（10 天后）")


@pytest.mark.parametrize("payment, first_order, volume, agreement, expected", [
    ("经常拖欠", None, 0, False, "E"),              # chronic late payment, even without orders
    ("经常拖欠", LONG_AGO, 5000, True, "E"),
    (None, None, 0, False, None),                   # no orders: nothing to grade by
    ("按时回款", LONG_AGO, 1000, True, "A"),         # > 1 year, on time, agreement, volume
    ("按时回款", RECENT, 5000, True, "B"),           # not a year yet
    ("按时回款", LONG_AGO, 5000, False, "B"),        # no agreement
    (None, LONG_AGO, 5000, True, "B"),               # payment unknown
    ("按时回款", LONG_AGO, 999, True, "C"),
    ("偶有拖欠", LONG_AGO, 5000, True, "C"),         # occasional late payment caps at C
    ("偶有拖欠", LONG_AGO, 100, False, "D"),
    (None, RECENT, 300, False, "C"),
    (None, RECENT, 299, False, "D"),
])
def test_value_grade(payment, first_order, volume, agreement, expected):
    facts = Facts(current={}, payment=payment, first_order=first_order, volume_12m=volume, agreement=agreement)
    found = value_grade(facts, TODAY)
    assert (found and found.to) == expected


def test_suggest_drops_what_the_customer_already_has_and_schemes_not_asked():
    facts = Facts(current={"value": "B", "lifecycle": "target"}, first_order=LONG_AGO, volume_12m=2000)
    assert suggest(facts, ["value", "lifecycle", "importance"], TODAY) == [
        Suggestion("lifecycle", "new", "2024年03月首次进货")]
