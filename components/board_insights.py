"""The board's two other views: 规则建议 (accept suggestions in bulk) and 分类变动 (movement chart, drill-down)."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components.feedback import flash
from db.archive_queries import CustomerFilter
from db.engine import session_scope
from db.movements import movement_flows, movements_in
from db.suggestions import accept, load_suggestions, rule_scheme
from domain.errors import UserFacingError
from domain.formatting import local_time, local_today, plain
from domain.periods import LABELS, MONTH, WEEK, period_label, recent_periods

SHOWN = 500  # suggestions listed at once; accepting them shows the next ones
PERIODS = 12


def suggestions_view(user, scheme_id: int, flt: CustomerFilter) -> None:
    with session_scope() as session:
        if not rule_scheme(session, scheme_id):
            st.info("这个分类方案没有建议规则。有规则的方案：生命周期、成交周期、价值等级。")
            return
        pending = load_suggestions(session, user, scheme_id, flt, local_today())
    if not pending:
        st.success("没有新的建议：客户的分类与规则一致。")
        return
    shown = pending[:SHOWN]
    st.caption(f"共 {len(pending)} 条建议" + (f"，显示前 {SHOWN} 条" if len(pending) > SHOWN else "")
               + "。接受后按普通移动记录（原因为「规则建议：…」），进入历史和分类变动。")
    table = pd.DataFrame({"接受": False, "客户": [p.name for p in shown], "档案号": [p.archive_no for p in shown],
                          "负责人": [p.owner for p in shown], "当前分类": [p.from_name for p in shown],
                          "建议分类": [p.to_name for p in shown], "原因": [p.reason for p in shown]})
    edited = st.data_editor(table, hide_index=True, width="stretch", key=f"suggestions_{scheme_id}",
                            disabled=[c for c in table.columns if c != "接受"])
    chosen = [p for p, tick in zip(shown, edited["接受"]) if tick]
    left, right = st.columns(2)
    if left.button(f"接受勾选的建议（{len(chosen)} 条）", type="primary", key="accept_chosen"):
        _accept(user, scheme_id, chosen)
    if right.button(f"全部接受（{len(shown)} 条）", key="accept_all"):
        _accept(user, scheme_id, shown)


def _accept(user, scheme_id: int, chosen) -> None:
    try:
        with session_scope() as session:
            moved = accept(session, user, scheme_id, chosen)
    except UserFacingError as exc:
        st.error(plain(f"{exc}（没有任何建议被接受）"))
    else:
        flash(f"已接受 {moved} 条建议")
        st.rerun()


def movement_view(user, scheme_id: int, flt: CustomerFilter) -> None:
    period = st.segmented_control("统计单位", [WEEK, MONTH], format_func=LABELS.get, default=WEEK, required=True,
                                  key="movement_period")
    starts = recent_periods(local_today(), period, PERIODS)
    with session_scope() as session:
        flows = movement_flows(session, user, scheme_id, flt, starts[0], period)
    if not flows:
        st.info(f"最近 {PERIODS} 个{LABELS[period]}没有客户在这个方案中移动分类。")
        return
    data = pd.DataFrame([{"时间": period_label(f.period, period), "起始": f.period.isoformat(), "原分类": f.from_name,
                          "新分类": f.to_name, "变动": f"{f.from_name} → {f.to_name}", "客户数": f.count}
                         for f in flows])
    chart = movement_chart(data, starts, period)
    picked = st.altair_chart(chart, on_select="rerun", key=f"movement_chart_{period}", width="stretch")
    points = (picked.get("selection", {}).get("bar") or []) if picked else []
    st.dataframe(data.pivot_table(index="变动", columns="时间", values="客户数", aggfunc="sum", fill_value=0),
                 width="stretch")
    classes = sorted({f.to_name for f in flows})
    _drill_down(user, scheme_id, flt, period, starts, classes, points[0] if points else None)


def movement_chart(data: pd.DataFrame, starts: list, period: str) -> alt.Chart:
    """Moves per period stacked by the class moved into; the y-axis counts whole moves (no 0.2 ticks)."""
    return (alt.Chart(data, title=f"最近 {PERIODS} 个{LABELS[period]}的分类变动（按新分类堆叠）")
            .mark_bar()
            .encode(x=alt.X("时间:N", title=LABELS[period], axis=alt.Axis(labelAngle=0 if period == MONTH else -40),
                            scale=alt.Scale(domain=[period_label(s, period) for s in starts])),
                    y=alt.Y("sum(客户数):Q", title="移动次数", axis=alt.Axis(format="d", tickMinStep=1)),
                    color=alt.Color("新分类:N", title="移入分类"),
                    tooltip=["时间", "变动", "客户数"])
            .add_params(alt.selection_point(name="bar", fields=["起始", "新分类"])))


def _drill_down(user, scheme_id: int, flt: CustomerFilter, period: str, starts, classes: list[str],
                point: dict | None) -> None:
    """The moves behind a clicked bar, or behind the period and class chosen here."""
    st.subheader("明细")
    c1, c2 = st.columns(2)
    default = next((i for i, s in enumerate(starts) if point and s.isoformat() == point.get("起始")), len(starts) - 1)
    start = c1.selectbox(LABELS[period], starts, index=default, format_func=lambda s: period_label(s, period),
                         key=f"drill_period_{period}_{point}")
    options = [None, *classes]
    picked = (point or {}).get("新分类")
    to_name = c2.selectbox("移入分类", options, index=options.index(picked) if picked in options else 0,
                           format_func=lambda v: "全部" if v is None else v, key=f"drill_to_{point}")
    with session_scope() as session:
        rows = movements_in(session, user, scheme_id, flt, start, period, to_name)
    if not rows:
        st.caption("这段时间没有符合条件的移动。")
        return
    st.dataframe(pd.DataFrame([{"客户": r.name, "档案号": r.archive_no, "原分类": r.from_name, "新分类": r.to_name,
                                "操作人": r.actor, "时间": local_time(r.at), "原因": r.reason,
                                "档案": f"/archive?id={r.customer_id}"} for r in rows]),
                 hide_index=True, width="stretch",
                 column_config={"档案": st.column_config.LinkColumn("档案", display_text="打开")})
