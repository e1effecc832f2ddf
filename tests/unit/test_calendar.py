"""The calendar's visible days, paging and click parsing (domain/calendar.py)."""
import datetime as dt

import pytest

from domain.calendar import LIST, MONTH, WEEK, clicked_day, page, parse_event_id, title, visible_range

D = dt.date


@pytest.mark.parametrize("view, anchor, expected", [
    (MONTH, D(2026, 12, 2), (D(2026, 11, 30), D(2027, 1, 11))),   # six weeks from the Monday before the 1st
    (MONTH, D(2026, 6, 30), (D(2026, 6, 1), D(2026, 7, 13))),     # June 2026 starts on a Monday
    (MONTH, D(2028, 2, 29), (D(2028, 1, 31), D(2028, 3, 13))),    # leap February
    (WEEK, D(2026, 12, 6), (D(2026, 11, 30), D(2026, 12, 7))),    # Sunday belongs to the week before
    (WEEK, D(2026, 12, 7), (D(2026, 12, 7), D(2026, 12, 14))),
    (LIST, D(2026, 12, 31), (D(2026, 12, 1), D(2027, 1, 1))),
])
def test_visible_range(view, anchor, expected):
    assert visible_range(view, anchor) == expected


def test_paging_and_titles():
    assert page(MONTH, D(2026, 1, 31), 1) == D(2026, 2, 1)
    assert page(MONTH, D(2026, 1, 15), -1) == D(2025, 12, 1)
    assert page(WEEK, D(2026, 12, 2), 1) == D(2026, 12, 9)
    assert title(MONTH, D(2026, 12, 2)) == "2026 年 12 月"
    assert title(WEEK, D(2026, 12, 2)) == "2026 年 11 月 30 日 – 12 月 6 日"


@pytest.mark.parametrize("iso, day", [
    ("2026-12-03T00:00:00.000Z", D(2026, 12, 3)), ("2026-12-03", D(2026, 12, 3)),
    ("2026-12-03T23:30:00Z", D(2026, 12, 3)), ("", None), (None, None), ("昨天", None)])
def test_clicked_day_is_the_day_shown(iso, day):
    assert clicked_day(iso) == day


def test_event_ids_round_trip():
    assert parse_event_id("plan:12") == ("plan", "12")
    assert parse_event_id("count:plan:2026-12-03") == ("count", "plan:2026-12-03")
    assert parse_event_id("nonsense") is None and parse_event_id("plan:") is None
