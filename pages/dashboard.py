"""驾驶舱: the live picture of the team — headline numbers and charts over the customers the user may
see (a rep: their own), filters kept in the URL, clicks that list the customers behind a bar."""
import datetime as dt
import os

import pandas as pd
import streamlit as st

from components import dashboard_charts as charts
from components.auth import live_fragment, require_user
from components.card import PRINT_CSS, print_button
from components import dashboard_data as data
from components.dashboard_data import load
from components.dashboard_export import export_button
from components.dashboard_filters import filter_row
from components.shared_reads import current_version
from db.archive_queries import active_schemes, owners
from db.dashboard_customers import DIMENSIONS, DRILL_LIMIT
from db.engine import session_scope
from domain import permissions
from domain.formatting import local_today, plain, team_tz

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


def drill(dimension: str, value: str | None, *, overdue: bool = False) -> None:
    """The customers behind a clicked bar, each linked to its archive."""
    if value is None:
        return
    rows = load("drill", user, flt, today, dimension, value, overdue)
    what = "逾期未跟进的" if overdue else ""
    more = "+" if len(rows) >= DRILL_LIMIT else ""
    st.markdown(f"**{DIMENSIONS[dimension]}「{plain(value)}」的{what}客户（{len(rows)}{more}）**")
    st.dataframe(pd.DataFrame([{"档案": f"/archive?id={cid}", "客户名称": name, "档案号": number, "负责人": owner,
                                "区域": region} for cid, name, number, owner, region in rows]),
                 hide_index=True, width="stretch",
                 column_config={"档案": st.column_config.LinkColumn("档案", display_text="打开")})


def by(dimension: str, *, overdue: bool = False) -> pd.DataFrame:
    rows = load("by", user, flt, today, dimension, stack, overdue)
    return pd.DataFrame(rows, columns=[DIMENSIONS[dimension], "负责人" if dimension != "owner" else "_", "客户数"])


polling = data.behind()  # figures older than the data are being recounted: look again each second


@live_fragment(run_every=1 if polling else LIVE_SECONDS if live else None)
def dashboard() -> None:
    version = current_version()
    head = load("headline", user, flt, today)
    cols = st.columns(6)
    for col, (label, value) in zip(cols, [
            ("在用客户", head.active), ("已停用", head.inactive), ("期内新建档案", head.new_in_range),
            ("逾期未跟进", head.overdue), ("待审阅拜访", head.visits_to_review),
            ("逾期应收（万元）", f"{head.receivables_overdue_amount / 10000:,.1f}")]):
        col.metric(label, value)
    updated = st.empty()  # filled last, when it is known whether every figure is up to date

    st.subheader("客户结构")
    a, b, c = st.columns(3)
    stacked = "负责人" if stack else None
    with a:
        clicked = charts.clickable_bars(by("class"), title=f"按分类（{schemes.get(flt.scheme_id, '')}）", category="分类",
                                        key="dash_by_class", stack=stacked)
    with b:
        region = charts.clickable_bars(by("province"), title="按区域", category="区域", key="dash_by_region",
                                       stack=stacked)
    with c:
        kind = charts.clickable_bars(by("customer_type"), title="按客户类型", category="客户类型",
                                     key="dash_by_type", stack=stacked)
    drill("class", clicked)
    drill("province", region)
    drill("customer_type", kind)

    st.subheader("跟进与拜访")
    a, b = st.columns(2)
    follow_ups = load("follow_ups", user, flt, today)
    with a:
        charts.follow_ups_chart(follow_ups, "业务员")
    with b:
        charts.follow_ups_chart(follow_ups, "跟进方式")
    a, b = st.columns(2)
    with a:
        charts.visits_chart(load("visits", user, flt, today))
    with b:
        charts.movements_chart(load("movements", user, flt, today))

    st.subheader("逾期未跟进")
    a, b = st.columns(2)
    with a:
        late_class = charts.clickable_bars(by("class", overdue=True), title="逾期客户：按分类", category="分类",
                                           key="dash_late_class")
    with b:
        late_owner = charts.clickable_bars(by("owner", overdue=True).drop(columns="_"), title="逾期客户：按负责人",
                                           category="负责人", key="dash_late_owner")
    drill("class", late_class, overdue=True)
    drill("owner", late_owner, overdue=True)

    st.subheader("投诉")
    charts.complaints_chart(load("complaints", user, flt, today))

    st.subheader("档案质量")
    a, b = st.columns(2)
    with a:
        charts.new_archives_chart(load("new_archives", user, flt, today))
    with b:
        charts.completeness_chart(*load("quality", user, flt, today))

    st.subheader("销量、信用与回款")
    a, b = st.columns(2)
    with a:
        charts.sales_chart(load("sales", user, flt, today), today.year)
    with b:
        charts.investment_chart(load("investment", user, flt, today), today.year)
    a, b = st.columns(2)
    with a:
        charts.credit_chart(load("credit", user, flt, today))
    with b:
        charts.aging_chart(load("aging", user, flt, today))

    behind = data.refreshing()
    if not behind:
        data.drawn_at(version)
    updated.caption(("正在更新（有新的保存，显示的是刚才的数字）…" if behind else
                     f"更新于 {dt.datetime.now(team_tz()).strftime('%H:%M:%S')}")
                    + f" · 待审核 {head.pending_review} 份 · 退回 {head.returned} 份 · 逾期应收 {head.receivables_overdue} 笔")
    if behind != polling:
        st.rerun()  # to poll each second while figures are recomputed, and to stop once they are in


dashboard()
