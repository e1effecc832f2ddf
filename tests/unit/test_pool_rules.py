"""公海 rules: when a customer returns, when the owner is reminded, when a claim is refused."""
import datetime as dt

import pytest

from domain import pool as P

D = dt.date
S = P.PoolSettings(default_days=60, remind_days=5, claims_per_day=2, max_owned=10, reclaim_ban_days=30)


@pytest.mark.parametrize("class_days, expected", [
    ([], 60),              # no class rule: the default
    ([None, None], 60),
    ([30, None], 30),      # 重点客户 30 days
    ([45, 30, 90], 30),    # the strictest rule wins
])
def test_return_days(class_days, expected):
    assert P.return_days(class_days, 60) == expected


@pytest.mark.parametrize("last, since, filed, expected", [
    (None, None, D(2026, 1, 5), D(2026, 1, 5)),                        # never contacted: from filing
    (D(2026, 3, 1), None, D(2026, 1, 5), D(2026, 3, 1)),               # last follow-up
    (D(2026, 3, 1), D(2026, 4, 1), D(2026, 1, 5), D(2026, 4, 1)),      # claimed after the last follow-up
    (D(2026, 5, 1), D(2026, 4, 1), D(2026, 1, 5), D(2026, 5, 1)),      # followed up after the claim
])
def test_clock_is_the_later_of_last_follow_up_and_owner_start(last, since, filed, expected):
    assert P.clock(last, since, filed) == expected


@pytest.mark.parametrize("today, due, remind", [
    (D(2026, 3, 25), False, False),   # 54 days untended
    (D(2026, 3, 26), False, True),    # 5 days before the return: the reminder starts
    (D(2026, 3, 30), False, True),    # the last day with the owner
    (D(2026, 3, 31), True, False),    # 60 days untended: back to the pool
    (D(2026, 6, 1), True, False),
])
def test_edge_days(today, due, remind):
    start = D(2026, 1, 30)  # + 60 days = 31 March
    assert P.is_due_back(today, start, 60) is due
    assert P.is_reminder_due(today, start, 60, 5) is remind


@pytest.mark.parametrize("claims, owned, left, today, refused_with", [
    (0, 0, None, D(2026, 6, 1), None),
    (1, 9, None, D(2026, 6, 1), None),
    (2, 0, None, D(2026, 6, 1), "每日上限 2 位"),
    (0, 10, None, D(2026, 6, 1), "上限 10 位"),
    (0, 0, D(2026, 5, 3), D(2026, 6, 1), "2026-06-02 起您才能再次认领"),   # day 29 of the ban
    (0, 0, D(2026, 5, 3), D(2026, 6, 2), None),                             # the ban is over
])
def test_claim_refusals(claims, owned, left, today, refused_with):
    refusal = P.claim_refusal(S, claims_today=claims, owned=owned, last_left_me=left, today=today)
    if refused_with is None:
        assert refusal is None
    else:
        assert refused_with in refusal


@pytest.mark.parametrize("settings, message", [
    (P.PoolSettings(default_days=0), "未跟进多少天"),
    (P.PoolSettings(remind_days=60, default_days=60), "提醒天数须小于退回天数"),
    (P.PoolSettings(claims_per_day=0), "每天最多认领"),
])
def test_bad_settings_are_refused_in_chinese(settings, message):
    with pytest.raises(P.PoolError, match=message):
        P.check_settings(settings)


def test_settings_round_trip_ignores_unknown_keys():
    assert P.PoolSettings.from_dict({**S.as_dict(), "obsolete": 3}) == S
