"""驾驶舱: the live picture of the team — headline numbers and charts over the customers the user may
see (a rep: their own), filters kept in the URL, clicks that list the customers behind a bar."""
import datetime as dt
import os

import streamlit as st

from components import dashboard_data as data
from components.auth import live_fragment, require_user
from components.card import PRINT_CSS, print_button
from components.dashboard_export import export_button
from components.dashboard_filters import filter_row
from components.dashboard_view import figures
from components.shared_reads import current_version
from db.archive_queries import active_schemes, owners
from db.engine import session_scope
from domain import permissions
from domain.formatting import local_today, team_tz

user = require_user(__file__)
LIVE_SECONDS = int(os.environ.get("KEDANG_LIVE_SECONDS", "60"))  # the figures' refresh (tests shorten it)
today = local_today()
st.markdown(PRINT_CSS, unsafe_allow_html=True)
st.title("驾驶舱")

with session_scope() as session:
    schemes = {s.id: s.name for s in active_schemes(session)}
    people = {p.id: p.name for p in owners(session)} if permissions.sees_team(user) else {}

flt = filter_row(today, schemes, people)

left, middle, right, last = st.columns([2, 2, 3, 2], vertical_alignment="center")
live = left.toggle(f"自动刷新（每 {LIVE_SECONDS} 秒）", value=True, key="dash_live")
stack = middle.toggle("按负责人堆叠", value=False, key="dash_stack") if permissions.sees_team(user) else False
with right:
    export_button(user, flt, today)
with last:
    print_button("打印")
st.caption(permissions.scope_description(user))


polling = data.behind()  # figures older than the data are being recounted: look again each second


@live_fragment(run_every=1 if polling else LIVE_SECONDS if live else None)
def dashboard() -> None:
    version = current_version()
    head, updated = figures(user, flt, today, schemes, stack)
    behind = data.refreshing()
    if not behind:
        data.drawn_at(version)
    updated.caption(("正在更新（有新的保存，显示的是刚才的数字）…" if behind else
                     f"更新于 {dt.datetime.now(team_tz()).strftime('%H:%M:%S')}")
                    + f" · 待审核 {head.pending_review} 份 · 退回 {head.returned} 份"
                    f" · 逾期应收 {head.receivables_overdue} 笔")
    if behind != polling:
        st.rerun()  # to poll each second while figures are recomputed, and to stop once they are in


dashboard()
