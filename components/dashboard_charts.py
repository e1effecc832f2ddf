"""The 驾驶舱's Altair charts: Chinese titles, axes, legends and tooltips; bars that can be clicked
for the customers behind them. Each function takes the rows db/dashboard_* returned.

Building a chart in Altair and validating its Vega-Lite costs ~20 ms, 14 charts a run: so each
chart is built by a plain function returning an ``alt.Chart``, and ``_draw`` turns it into its
Vega-Lite spec once per data (``_spec``, shared by all sessions) and draws that.
"""
from __future__ import annotations

from typing import Any, Callable

import altair as alt
import pandas as pd
import streamlit as st

from domain.dashboard import COMPLETENESS_BUCKETS
from domain.followups import METHODS
from domain.formatting import plain
from domain.receivables import BUCKET_LABELS

AGING_COLOURS = ["#2ca02c", "#ffbf00", "#ff7f0e", "#d62728", "#7f1d1d"]
HEIGHT = 260


@st.cache_data(max_entries=200, show_spinner=False)  # a few KB each (the investment chart ≤ 500 points)
def _spec(_build: Callable[..., alt.TopLevelMixin], name: str, args: tuple) -> dict:
    """The Vega-Lite spec of ``_build(*args)``, validated by Altair once for these rows."""
    spec = _build(*args).to_dict()
    spec.pop("config", None)  # Altair's default theme (a fixed 300 × 300 view): Streamlit's theme applies instead
    return spec


def _draw(build: Callable[..., alt.TopLevelMixin], *args: Any, **options: Any):
    return st.vega_lite_chart(spec=_spec(build, build.__name__, args), width="stretch", **options)


def _empty(title: str) -> None:
    st.markdown(f"**{plain(title)}**")
    st.caption("暂无数据")


def clickable_bars(frame: pd.DataFrame, *, title: str, category: str, key: str, stack: str | None = None,
                   horizontal: bool = True) -> str | None:
    """A bar per category (stacked by ``stack`` when given); returns the category the user clicked."""
    if frame.empty:
        _empty(title)
        return None
    event = _draw(_bars, frame, title, category, stack, horizontal, on_select="rerun", key=key)
    points = (event.selection.get("pick") if event and event.selection else None) or []
    return points[0].get(category) if points else None


def _bars(frame: pd.DataFrame, title: str, category: str, stack: str | None, horizontal: bool) -> alt.Chart:
    pick = alt.selection_point(name="pick", fields=[category])
    axis = alt.Y(f"{category}:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False)) if horizontal else alt.X(
        f"{category}:N", sort="-y", title=None, axis=alt.Axis(labelAngle=0))
    value = alt.X("客户数:Q", title="客户数") if horizontal else alt.Y("客户数:Q", title="客户数")
    encoding = dict(tooltip=[category, *( [stack] if stack else []), "客户数"],
                    opacity=alt.condition(pick, alt.value(1), alt.value(0.45)))
    if stack:
        encoding["color"] = alt.Color(f"{stack}:N", title=stack)
    chart = alt.Chart(frame, title=title).mark_bar().encode(
        **({"y": axis, "x": value} if horizontal else {"x": axis, "y": value}), **encoding).add_params(pick)
    height = max(HEIGHT, 26 * frame[category].nunique()) if horizontal else HEIGHT
    return chart.properties(height=height)


def follow_ups_chart(rows: list[tuple], colour: str) -> None:
    """Follow-ups per week, coloured by rep (``colour`` = 业务员) or by method (跟进方式)."""
    title = f"近 12 周跟进次数（按{colour}）"
    if not rows:
        _empty(title)
        return
    frame = pd.DataFrame(rows, columns=["周", "业务员", "跟进方式", "次数"])
    _draw(_follow_ups, frame.groupby(["周", colour], as_index=False)["次数"].sum(), colour, title)


def _follow_ups(frame: pd.DataFrame, colour: str, title: str) -> alt.Chart:
    frame = frame.assign(周=pd.to_datetime(frame["周"]))
    return alt.Chart(frame, title=title).mark_bar().encode(
        x=alt.X("yearmonthdate(周):O", title="周（周一）", axis=alt.Axis(format="%m-%d", labelAngle=0)),
        y=alt.Y("sum(次数):Q", title="跟进次数"),
        color=alt.Color(f"{colour}:N", title=colour, sort=METHODS if colour == "跟进方式" else "ascending"),
        tooltip=[alt.Tooltip("yearmonthdate(周):T", title="周", format="%Y-%m-%d"), colour,
                 alt.Tooltip("sum(次数):Q", title="次数")]).properties(height=HEIGHT)


def visits_chart(weeks) -> None:
    frame = pd.DataFrame([{"周": w.week, "计划回访": w.planned, "已完成": w.done, "登门拜访": w.visits,
                           "完成率": w.success_rate} for w in weeks])
    _draw(_visits, frame)


def _visits(frame: pd.DataFrame) -> alt.LayerChart:
    frame = frame.assign(周=pd.to_datetime(frame["周"]))
    long = frame.melt(id_vars=["周"], value_vars=["计划回访", "已完成", "登门拜访"], var_name="类别", value_name="次数")
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("yearmonthdate(周):O", title="周（周一）", axis=alt.Axis(format="%m-%d", labelAngle=0)),
        xOffset="类别:N", y=alt.Y("次数:Q", title="次数", axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("类别:N", title="类别"),
        tooltip=[alt.Tooltip("yearmonthdate(周):T", title="周", format="%Y-%m-%d"), "类别", "次数"])
    line = alt.Chart(frame).mark_line(point=True, color="#d62728").encode(
        x="yearmonthdate(周):O",
        y=alt.Y("完成率:Q", title="完成率", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("完成率:Q", format=".0%")])
    return (alt.layer(bars, line).resolve_scale(y="independent")
            .properties(title="计划回访与实际拜访（近 12 周），红线为完成率", height=HEIGHT))


def movements_chart(flows) -> None:
    title = "分类变动（按周，移入的分类）"
    if not flows:
        _empty(title)
        return
    _draw(_movements, pd.DataFrame([{"周": f.period, "移出": f.from_name, "移入": f.to_name, "人次": f.count}
                                    for f in flows]), title)


def _movements(frame: pd.DataFrame, title: str) -> alt.Chart:
    frame = frame.assign(周=pd.to_datetime(frame["周"]))
    return alt.Chart(frame, title=title).mark_bar().encode(
        x=alt.X("yearmonthdate(周):O", title="周（周一）", axis=alt.Axis(format="%m-%d", labelAngle=0)),
        y=alt.Y("sum(人次):Q", title="移动人次", axis=alt.Axis(format="d", tickMinStep=1)),  # whole moves
        color=alt.Color("移入:N", title="移入分类"),
        tooltip=["移出", "移入", alt.Tooltip("sum(人次):Q", title="人次")]).properties(height=HEIGHT)


def new_archives_chart(months: list[tuple]) -> None:
    title = "每月新建档案（近 12 个月）"
    if not months:
        _empty(title)
        return
    _draw(_new_archives, pd.DataFrame([{"月份": f"{m.year}-{m.month:02d}", "新建档案": n} for m, n in months]), title)


def _new_archives(frame: pd.DataFrame, title: str) -> alt.Chart:
    return alt.Chart(frame, title=title).mark_bar(color="#1f77b4").encode(
        x=alt.X("月份:O", title="月份", axis=alt.Axis(labelAngle=0)), y=alt.Y("新建档案:Q", title="份数"),
        tooltip=["月份", "新建档案"]).properties(height=HEIGHT)


def completeness_chart(buckets: list[tuple[str, int]], stale: int, total: int) -> None:
    _draw(_completeness, pd.DataFrame(buckets, columns=["完整度", "客户数"]),
          f"档案完整度（本季度未更新 {stale} / {total} 份）")


def _completeness(frame: pd.DataFrame, title: str) -> alt.Chart:
    labels = [label for _, _, label in COMPLETENESS_BUCKETS]
    return alt.Chart(frame, title=title).mark_bar().encode(
        x=alt.X("完整度:N", sort=labels, title="完整度", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("客户数:Q", title="客户数"),
        color=alt.Color("完整度:N", legend=None,
                        scale=alt.Scale(domain=labels, range=["#d62728", "#ff7f0e", "#2ca02c"])),
        tooltip=["完整度", "客户数"]).properties(height=HEIGHT)


def sales_chart(rows: list[tuple], year: int) -> None:
    title = f"{year} 年各产品月度销量"
    if not rows:
        _empty(title)
        return
    _draw(_sales, pd.DataFrame(rows, columns=["产品", "月份", "销量"]), title)


def _sales(frame: pd.DataFrame, title: str) -> alt.Chart:
    return alt.Chart(frame, title=title).mark_line(point=True).encode(
        x=alt.X("月份:O", title="月份", axis=alt.Axis(labelAngle=0)), y=alt.Y("销量:Q", title="销量"),
        color=alt.Color("产品:N", title="产品"), tooltip=["产品", "月份", "销量"]).properties(height=HEIGHT)


def investment_chart(rows: list[tuple], year: int) -> None:
    title = f"{year} 年投入与销量（每点一位客户）"
    if not rows:
        _empty(title)
        return
    _draw(_investment, pd.DataFrame(rows, columns=["客户", "年度投入（万元）", "年销量"]), title)


def _investment(frame: pd.DataFrame, title: str) -> alt.Chart:
    return alt.Chart(frame, title=title).mark_circle(size=60).encode(
        x=alt.X("年度投入（万元）:Q"), y=alt.Y("年销量:Q"), tooltip=["客户", "年度投入（万元）", "年销量"]
    ).properties(height=HEIGHT)


def credit_chart(rows: list[tuple]) -> None:
    title = "信用额度使用（占用最高的 20 位客户）"
    if not rows:
        _empty(title)
        return
    _draw(_credit, pd.DataFrame(rows, columns=["客户", "已用（元）", "信用额度（元）"]), title)


def _credit(frame: pd.DataFrame, title: str) -> alt.Chart:
    long = frame.melt(id_vars=["客户"], var_name="类别", value_name="金额（元）")
    return alt.Chart(long, title=title).mark_bar().encode(
        y=alt.Y("客户:N", sort=list(frame["客户"]), title=None), x=alt.X("金额（元）:Q", title="金额（元）"),
        yOffset=alt.YOffset("类别:N", sort=["已用（元）", "信用额度（元）"]),
        color=alt.Color("类别:N", title=None, scale=alt.Scale(domain=["已用（元）", "信用额度（元）"],
                                                            range=["#d62728", "#c7c7c7"])),
        tooltip=["客户", "类别", alt.Tooltip("金额（元）:Q", format=",.2f")]).properties(
            height=max(140, 34 * len(frame)))


def aging_chart(buckets) -> None:
    _draw(_aging, pd.DataFrame([{"账龄": b.label, "未收金额（元）": float(b.outstanding), "笔数": b.count}
                                for b in buckets]))


def _aging(frame: pd.DataFrame) -> alt.Chart:
    return alt.Chart(frame, title="应收账款账龄（目标：全部在 90 天以内）").mark_bar().encode(
        x=alt.X("账龄:N", sort=BUCKET_LABELS, title="账龄", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("未收金额（元）:Q", title="未收金额（元）", axis=alt.Axis(format=",.0f")),
        color=alt.Color("账龄:N", sort=BUCKET_LABELS, legend=None,
                        scale=alt.Scale(domain=BUCKET_LABELS, range=AGING_COLOURS)),
        tooltip=["账龄", alt.Tooltip("未收金额（元）:Q", format=",.2f"), "笔数"]).properties(height=HEIGHT)


def complaints_chart(summary) -> None:
    """未结案投诉: count and age, and how many per category."""
    left, right = st.columns(2)
    a, b, c = left.columns(3)
    a.metric("未结案投诉", summary.open)
    b.metric("最久（天）", summary.oldest_days)
    c.metric("平均已处理（天）", summary.average_days)
    with right:
        if not summary.by_category:
            _empty("未结案投诉：按类别")
            return
        _draw(_complaints, pd.DataFrame(sorted(summary.by_category.items(), key=lambda kv: -kv[1]),
                                        columns=["类别", "投诉数"]))


def _complaints(frame: pd.DataFrame) -> alt.Chart:
    return alt.Chart(frame, title="未结案投诉：按类别").mark_bar().encode(
        x=alt.X("投诉数:Q", title="投诉数", axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("类别:N", sort="-x", title=None), tooltip=["类别", "投诉数"])
