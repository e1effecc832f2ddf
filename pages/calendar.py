"""跟进日历: planned visits, follow-ups and due dates by month, week or list; click a day to plan,
click an event to open or complete it, drag a planned visit to reschedule it."""
import streamlit as st

from components.auth import require_user
from components.calendar_panels import day_panel, event_panel, go, handle_click
from components.calendar_view import show_calendar
from components.feedback import show_flash
from components.shared_reads import shared
from db.archive_queries import active_schemes, owners
from db.calendar_queries import CalendarFilter, calendar_items
from db.engine import session_scope
from domain import calendar as cal
from domain import permissions
from domain.formatting import local_today, plain

user = require_user(__file__)
show_flash()
today = local_today()
st.title("跟进日历")
state = st.session_state
state.setdefault("cal_anchor", today)
state.setdefault("cal_nonce", 0)


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
handle_click(user, clicked, by_id)
if error := state.pop("cal_error", None):
    st.error(plain(error))

if (event_id := state.get("cal_event")) and (item := by_id.get(event_id)):
    event_panel(user, event_id, item)
elif day := state.get("cal_day"):
    day_panel(user, day, today, people)
