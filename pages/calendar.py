"""跟进日历: planned visits, follow-ups and due dates by month, week or list; click a day to plan,
click an event to open or complete it, drag a planned visit to reschedule it."""
import datetime as dt

import streamlit as st

from components.auth import require_user
from components.calendar_view import show_calendar
from components.feedback import flash, show_flash
from components.followup_form import follow_up_form, plan_form
from components.shared_reads import shared
from db.archive_queries import CustomerFilter, active_schemes, list_customers, owners
from db.calendar_queries import CalendarFilter, calendar_items
from db.engine import session_scope
from db.followups import reschedule_plan
from db.models_followups import FollowUp
from domain import permissions
from domain import calendar as cal
from domain.errors import UserFacingError
from domain.formatting import local_today, plain

user = require_user(__file__)
show_flash()
today = local_today()
st.title("跟进日历")
state = st.session_state
state.setdefault("cal_anchor", today)
state.setdefault("cal_nonce", 0)


def go(anchor: dt.date) -> None:
    state["cal_anchor"] = anchor
    for name in ("cal_day", "cal_event"):
        state.pop(name, None)


with session_scope() as session:
    schemes = active_schemes(session)
    people = owners(session) if permissions.sees_team(user) else []

left, middle, right = st.columns([2, 2, 3])
view = left.segmented_control("视图", list(cal.VIEW_LABELS), format_func=cal.VIEW_LABELS.get, default=cal.MONTH,
                              key="cal_view", required=True)
rep_id = None
if people:
    names = {p.id: p.name for p in people}
    # 0 stands for 全部 (a keyed picker holding None shows an empty "Choose an option")
    rep_id = middle.selectbox("业务员", [0, *names], format_func=lambda v: names.get(v, "全部"), key="cal_rep") or None
classes = {v.id: f"{s.name}·{v.name}" for s in schemes for v in s.values if not v.is_retired}
class_id = right.selectbox("客户分类", [0, *classes], format_func=lambda v: classes.get(v, "全部"),
                           key="cal_class") or None

anchor = state["cal_anchor"]
back, now, forward, label = st.columns([1, 1, 1, 5], vertical_alignment="center")
back.button("◀ 上一页", on_click=go, args=(cal.page(view, anchor, -1),), key="cal_prev", width="stretch")
now.button("今天", on_click=go, args=(today,), key="cal_today", width="stretch")
forward.button("下一页 ▶", on_click=go, args=(cal.page(view, anchor, 1),), key="cal_next", width="stretch")
label.markdown(f"### {cal.title(view, anchor)}")
st.caption("　".join(f":{cal.LEGEND_COLOURS[k]}[■] {name}" for k, name in cal.KIND_LABELS.items())
           + "　· 点击某一天安排回访，点击日程查看或完成，拖动回访计划可改期")

start, end = cal.visible_range(view, anchor)
items = shared(calendar_items, user, start, end, CalendarFilter(rep_id, class_id), today)
clicked = show_calendar(items, view, anchor, today,
                        key=f"cal:{view}:{anchor}:{rep_id}:{class_id}:{state['cal_nonce']}")

by_id = {cal.event_id(item.kind, item.key): item for item in items}

# The widget keeps returning its last value: act on each click or drop once.
if clicked and clicked != state.get("cal_last"):
    state["cal_last"] = clicked
    kind = clicked.get("callback")
    if kind == "dateClick":
        state["cal_day"], state["cal_event"] = cal.clicked_day(clicked["dateClick"].get("date")), None
    elif kind == "eventClick":
        state["cal_event"], state["cal_day"] = clicked["eventClick"]["event"].get("id"), None
    elif kind == "eventChange":
        event = clicked["eventChange"]["event"]
        parsed, day = cal.parse_event_id(event.get("id", "")), cal.clicked_day(event.get("start"))
        state["cal_nonce"] += 1  # redraw from the database either way
        if parsed and parsed[0] in (cal.PLAN, cal.OVERDUE_PLAN) and day:
            dragged = by_id.get(event.get("id", ""))
            try:
                with session_scope() as session:
                    reschedule_plan(session, user, int(parsed[1]), day,
                                    expected_version=dragged.version if dragged else None)
            except UserFacingError as exc:
                state["cal_error"] = f"改期未成功：{exc}"
            else:
                flash(f"回访计划已改到 {day}")
        st.rerun()

if error := state.pop("cal_error", None):
    st.error(plain(error))

if (event_id := state.get("cal_event")) and (item := by_id.get(event_id)):
    st.subheader(f"{cal.KIND_LABELS[item.kind]} · {item.day}")
    if item.kind == cal.COUNT:
        st.info("这一天的日程较多，请切换到「周」视图或按业务员、分类筛选后查看明细。")
        if st.button("查看这一周", key="cal_to_week"):
            go(item.day)
            state["cal_view"] = cal.WEEK
            st.rerun()
    else:
        st.markdown(f"**{plain(item.title)}**")
        st.page_link("pages/archive.py", label="打开客户档案", query_params={"id": item.customer_id},
                     icon=":material/description:")
        if item.kind == cal.FOLLOW_UP:
            with session_scope() as session:
                record = session.get(FollowUp, int(item.key))
                st.markdown(plain(record.summary if record else ""))
        else:
            plan_id = int(item.key) if item.kind in (cal.PLAN, cal.OVERDUE_PLAN) else None
            if follow_up_form(user, item.customer_id, key=f"cal_fu:{event_id}", plan_id=plan_id,
                              title="完成：记录跟进" if plan_id else "记录跟进"):
                state.pop("cal_event", None)
                state["cal_nonce"] += 1
                st.rerun()
elif day := state.get("cal_day"):
    st.subheader(f"安排回访 · {day}")
    if day < today:
        st.warning("不能在今天以前安排回访；请点击今天或以后的日期。")
    else:
        query = st.text_input("查找客户", key="cal_search", placeholder="客户名称、档案号或电话")
        with session_scope() as session:
            found = list_customers(session, user, CustomerFilter(search=query), page_size=20).rows
        if not found:
            st.info("没有找到客户。")
        else:
            names = {c.id: f"{c.name}（{c.archive_no}）" for c in found}
            customer_id = st.selectbox("客户", list(names), format_func=names.get, key="cal_customer")
            if plan_form(user, [customer_id], key=f"cal_plan:{day}", day=day, assignees=people or None,
                         title=f"为 {names[customer_id]} 安排回访"):
                state.pop("cal_day", None)
                state["cal_nonce"] += 1
                st.rerun()
