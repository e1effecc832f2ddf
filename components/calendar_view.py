"""The FullCalendar widget (streamlit-calendar) in Chinese, fed with one range of calendar items.

The widget only draws: paging and the view are chosen by the page's own controls (so the
server always knows the visible range), and its clicks come back as plain dates and event ids.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from streamlit_calendar import calendar

from db.calendar_queries import CalendarItem
from domain import calendar as cal

# FullCalendar's own zh-cn locale, given inline (the component bundles no locale files).
ZH_CN = {
    "code": "zh-cn",
    "week": {"dow": 1, "doy": 4},  # weeks start on Monday
    "buttonText": {"prev": "上月", "next": "下月", "today": "今天", "year": "年", "month": "月", "week": "周",
                   "day": "日", "list": "列表"},
    "weekText": "周", "allDayText": "全天", "moreLinkText": "更多", "noEventsText": "这段时间没有日程",
}
CSS = """
.fc .fc-daygrid-day.fc-day-today, .fc .fc-timegrid-col.fc-day-today { background: #fff4e5; }
.fc-event { cursor: pointer; }
.fc .fc-daygrid-day-number { font-size: 0.85rem; }
"""


def to_event(item: CalendarItem, today: dt.date) -> dict[str, Any]:
    start = item.day.isoformat() + (f"T{item.time.strftime('%H:%M')}:00" if item.time else "")
    return {"id": cal.event_id(item.kind, item.key), "title": item.title, "start": start,
            "allDay": item.time is None, "color": cal.KIND_COLOURS[item.kind],
            "editable": item.movable, "startEditable": item.movable, "durationEditable": False}


def show_calendar(items: list[CalendarItem], view: str, anchor: dt.date, today: dt.date, key: str) -> dict:
    options = {
        "initialView": cal.FULLCALENDAR_VIEWS[view], "initialDate": anchor.isoformat(),
        "headerToolbar": {"left": "", "center": "", "right": ""},
        "locale": ZH_CN, "firstDay": 1, "timeZone": "UTC",  # dates are shown exactly as the team's local dates
        "height": "auto", "dayMaxEvents": 4, "navLinks": False, "editable": False, "selectable": False,
        "slotMinTime": "07:00:00", "slotMaxTime": "21:00:00", "nowIndicator": False,
        "eventTimeFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
        "slotLabelFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
    }
    state = calendar(events=[to_event(item, today) for item in items], options=options, custom_css=CSS,
                     callbacks=["dateClick", "eventClick", "eventChange"], key=key)
    return state or {}
