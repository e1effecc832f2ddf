import datetime as dt

import pytest

from domain.periods import MONTH, WEEK, next_period, period_label, period_start, recent_periods


@pytest.mark.parametrize("day, period, start", [
    (dt.date(2026, 11, 23), WEEK, dt.date(2026, 11, 23)),   # a Monday
    (dt.date(2026, 11, 29), WEEK, dt.date(2026, 11, 23)),   # Sunday belongs to the week before it
    (dt.date(2026, 1, 1), WEEK, dt.date(2025, 12, 29)),     # weeks cross the year
    (dt.date(2026, 11, 23), MONTH, dt.date(2026, 11, 1)),
])
def test_period_start(day, period, start):
    assert period_start(day, period) == start


def test_next_and_recent_periods():
    assert next_period(dt.date(2026, 12, 1), MONTH) == dt.date(2027, 1, 1)
    assert next_period(dt.date(2026, 1, 1), MONTH) == dt.date(2026, 2, 1)
    assert recent_periods(dt.date(2026, 2, 10), MONTH, 3) == [dt.date(2025, 12, 1), dt.date(2026, 1, 1),
                                                                dt.date(2026, 2, 1)]
    assert recent_periods(dt.date(2026, 11, 25), WEEK, 2) == [dt.date(2026, 11, 16), dt.date(2026, 11, 23)]
    assert period_label(dt.date(2026, 2, 1), MONTH) == "2026年2月"
    assert period_label(dt.date(2026, 11, 23), WEEK) == "2026-11-23 当周"
    assert period_label(dt.date(2025, 12, 29), WEEK) == "2025-12-29 当周"  # the year of its Monday
