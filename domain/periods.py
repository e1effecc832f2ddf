"""Days, weeks and months for charts and reports: weeks start on Monday (as Chinese calendars do),
months on the 1st."""
from __future__ import annotations

import datetime as dt

DAY, WEEK, MONTH = "day", "week", "month"
LABELS = {WEEK: "周", MONTH: "月"}
REPORT_LABELS = {DAY: "日报", WEEK: "周报", MONTH: "月报"}


def period_start(day: dt.date, period: str) -> dt.date:
    if period == DAY:
        return day
    if period == WEEK:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start: dt.date, period: str) -> dt.date:
    if period == DAY:
        return start + dt.timedelta(days=1)
    if period == WEEK:
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def recent_periods(today: dt.date, period: str, count: int) -> list[dt.date]:
    """The starts of the last ``count`` periods, oldest first, the current one last."""
    starts = [period_start(today, period)]
    for _ in range(count - 1):
        starts.insert(0, period_start(starts[0] - dt.timedelta(days=1), period))
    return starts


def period_label(start: dt.date, period: str) -> str:
    if period == DAY:
        return f"{start.year}年{start.month}月{start.day}日"
    return f"{start:%Y-%m-%d} 当周" if period == WEEK else f"{start.year}年{start.month}月"  # a week names its Monday
