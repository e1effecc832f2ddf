"""The follow-up calendar's dates: which days a view shows, paging, and event ids.

Weeks start on Monday (the Chinese calendar convention). All dates are the team's local dates;
the calendar widget is told to use "UTC" so it shows them as given, whatever the browser's zone.
"""
from __future__ import annotations

import datetime as dt

from domain.cadence import add_months

MONTH, WEEK, LIST = "month", "week", "list"
VIEW_LABELS = {MONTH: "月", WEEK: "周", LIST: "列表"}
FULLCALENDAR_VIEWS = {MONTH: "dayGridMonth", WEEK: "timeGridWeek", LIST: "listMonth"}
DETAIL_LIMIT = 300  # more items of one kind than this in view: one count per day instead

PLAN, OVERDUE_PLAN, FOLLOW_UP, DUE, COUNT = "plan", "overdue", "follow_up", "due", "count"
KIND_LABELS = {PLAN: "回访计划", OVERDUE_PLAN: "逾期回访", FOLLOW_UP: "跟进记录", DUE: "应跟进", COUNT: "汇总"}
LEGEND_COLOURS = {PLAN: "blue", OVERDUE_PLAN: "red", FOLLOW_UP: "green", DUE: "orange", COUNT: "gray"}
KIND_COLOURS = {PLAN: "#1f77b4", OVERDUE_PLAN: "#d62728", FOLLOW_UP: "#2ca02c", DUE: "#ff7f0e", COUNT: "#7f7f7f"}


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def visible_range(view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the days the view shows around ``anchor``: a month view shows the six
    Monday-to-Sunday weeks from the week of the 1st; a week view Monday to Sunday; the list the month."""
    if view == WEEK:
        start = monday_of(anchor)
        return start, start + dt.timedelta(days=7)
    first = anchor.replace(day=1)
    if view == LIST:
        return first, add_months(first, 1)
    start = monday_of(first)
    return start, start + dt.timedelta(days=42)


def page(view: str, anchor: dt.date, step: int) -> dt.date:
    """The anchor one page earlier (-1) or later (+1)."""
    if view == WEEK:
        return anchor + dt.timedelta(days=7 * step)
    return add_months(anchor.replace(day=1), step)


def title(view: str, anchor: dt.date) -> str:
    if view == WEEK:
        start = monday_of(anchor)
        end = start + dt.timedelta(days=6)
        return f"{start.year} 年 {start.month} 月 {start.day} 日 – {end.month} 月 {end.day} 日"
    return f"{anchor.year} 年 {anchor.month} 月"


def event_id(kind: str, key: int | str) -> str:
    return f"{kind}:{key}"


def parse_event_id(value: str) -> tuple[str, str] | None:
    kind, _, key = (value or "").partition(":")
    return (kind, key) if kind in KIND_LABELS and key else None


def clicked_day(iso: str | None) -> dt.date | None:
    """The day of a click or drop as the widget reports it (ISO text; first ten characters are the day)."""
    try:
        return dt.date.fromisoformat((iso or "")[:10])
    except ValueError:
        return None
