"""What happens under the 跟进日历 when the user clicks: a click or a drop is acted on once, an event
opens its panel (complete a plan, read a record), a day opens the planning panel.

State lives in st.session_state under ``cal_*`` keys; ``cal_nonce`` changes whenever the calendar
must be drawn again from the database (after a drop, a save).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from components.feedback import flash
from components.followup_form import follow_up_form, plan_form
from db.archive_queries import CustomerFilter, list_customers
from db.calendar_queries import CalendarItem
from db.engine import session_scope
from db.followup_queries import follow_up_summary
from db.followups import reschedule_plan
from domain import calendar as cal
from domain.errors import UserFacingError
from domain.formatting import plain

state = st.session_state


def go(anchor: dt.date) -> None:
    """Show the page of the calendar holding ``anchor``; close any open panel."""
    state["cal_anchor"] = anchor
    for name in ("cal_day", "cal_event"):
        state.pop(name, None)


def _redraw() -> None:
    state["cal_nonce"] = state.get("cal_nonce", 0) + 1


def handle_click(user, clicked: dict[str, Any] | None, by_id: dict[str, CalendarItem]) -> None:
    """The widget keeps returning its last value: act on each click or drop once."""
    if not clicked or clicked == state.get("cal_last"):
        return
    state["cal_last"] = clicked
    kind = clicked.get("callback")
    if kind == "dateClick":
        state["cal_day"], state["cal_event"] = cal.clicked_day(clicked["dateClick"].get("date")), None
    elif kind == "eventClick":
        state["cal_event"], state["cal_day"] = clicked["eventClick"]["event"].get("id"), None
    elif kind == "eventChange":
        _reschedule(user, clicked["eventChange"]["event"], by_id)
        _redraw()  # from the database either way
        st.rerun()


def _reschedule(user, event: dict[str, Any], by_id: dict[str, CalendarItem]) -> None:
    """A planned visit dropped on another day."""
    parsed, day = cal.parse_event_id(event.get("id", "")), cal.clicked_day(event.get("start"))
    if not (parsed and parsed[0] in (cal.PLAN, cal.OVERDUE_PLAN) and day):
        return
    dragged = by_id.get(event.get("id", ""))
    try:
        with session_scope() as session:
            reschedule_plan(session, user, int(parsed[1]), day, expected_version=dragged.version if dragged else None)
    except UserFacingError as exc:
        state["cal_error"] = f"改期未成功：{exc}"
    else:
        flash(f"回访计划已改到 {day}")


def event_panel(user, event_id: str, item: CalendarItem) -> None:
    """A clicked event: a busy day's count, a follow-up to read, or a plan or due date to complete."""
    st.subheader(f"{cal.KIND_LABELS[item.kind]} · {item.day}")
    if item.kind == cal.COUNT:
        st.info("这一天的日程较多，请切换到「周」视图或按业务员、分类筛选后查看明细。")
        if st.button("查看这一周", key="cal_to_week"):
            go(item.day)
            state["cal_view"] = cal.WEEK
            st.rerun()
        return
    st.markdown(f"**{plain(item.title)}**")
    st.page_link("pages/archive.py", label="打开客户档案", query_params={"id": item.customer_id},
                 icon=":material/description:")
    if item.kind == cal.FOLLOW_UP:
        try:
            with session_scope() as session:
                st.markdown(plain(follow_up_summary(session, user, int(item.key))))
        except UserFacingError as exc:
            st.error(plain(exc))
        return
    plan_id = int(item.key) if item.kind in (cal.PLAN, cal.OVERDUE_PLAN) else None
    if follow_up_form(user, item.customer_id, key=f"cal_fu:{event_id}", plan_id=plan_id,
                      title="完成：记录跟进" if plan_id else "记录跟进"):
        state.pop("cal_event", None)
        _redraw()
        st.rerun()


def day_panel(user, day: dt.date, today: dt.date, people: list) -> None:
    """A clicked day: find a customer and plan a visit there."""
    st.subheader(f"安排回访 · {day}")
    if day < today:
        st.warning("不能在今天以前安排回访；请点击今天或以后的日期。")
        return
    query = st.text_input("查找客户", key="cal_search", placeholder="客户名称、档案号或电话")
    with session_scope() as session:
        found = list_customers(session, user, CustomerFilter(search=query), page_size=20).rows
    if not found:
        st.info("没有找到客户。")
        return
    names = {c.id: f"{c.name}（{c.archive_no}）" for c in found}
    # None chosen for the user, unless the search found exactly one (keyed by the search, so each
    # search starts from its own choice).
    customer_id = st.selectbox("客户", list(names), format_func=names.get, key=f"cal_customer:{query.strip()}",
                               index=0 if query.strip() and len(found) == 1 else None,
                               placeholder="请选择客户（可先在上面查找）")
    if customer_id is None:
        return
    if plan_form(user, [customer_id], key=f"cal_plan:{day}", day=day, assignees=people or None,
                 title=f"为 {names[customer_id]} 安排回访"):
        state.pop("cal_day", None)
        _redraw()
        st.rerun()
