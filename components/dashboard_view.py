"""The 驾驶舱's figures and charts for one filter: headline numbers, customer structure (bars that list
their customers when clicked), follow-ups and visits, overdue, complaints, quality, sales and credit.
pages/dashboard.py lays out the filter row and refreshes this; the numbers come from
components/dashboard_data (shared between sessions, recounted in the background)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from components import dashboard_charts as charts
from components.dashboard_data import load
from db.dashboard_customers import DIMENSIONS, DRILL_LIMIT
from domain.formatting import plain


@dataclass
class Figures:
    user: Any
    flt: Any            # components.dashboard_filters' filter
    today: dt.date
    stack: bool         # bars stacked by owner

    def load(self, name: str, *args: Any) -> Any:
        return load(name, self.user, self.flt, self.today, *args)

    def bars(self, dimension: str, title: str, key: str, *, overdue: bool = False) -> tuple[str, str | None, bool]:
        """Customers counted by ``dimension`` (stacked by owner if chosen, except the overdue charts);
        returns what ``drill`` needs for the bar clicked, if any."""
        rows = self.load("by", dimension, self.stack, overdue)
        frame = pd.DataFrame(rows, columns=[DIMENSIONS[dimension], "负责人" if dimension != "owner" else "_", "客户数"])
        clicked = charts.clickable_bars(frame.drop(columns="_", errors="ignore"), title=title,
                                        category=DIMENSIONS[dimension], key=key,
                                        stack="负责人" if self.stack and not overdue else None)
        return dimension, clicked, overdue

    def drill(self, *clicks: tuple[str, str | None, bool]) -> None:
        """Below a row of charts: the customers behind each clicked bar, each linked to its archive."""
        for dimension, value, overdue in clicks:
            if value is not None:
                self._customers(dimension, value, overdue)

    def _customers(self, dimension: str, value: str, overdue: bool) -> None:
        rows = self.load("drill", dimension, value, overdue)
        what = "逾期未跟进的" if overdue else ""
        more = "+" if len(rows) >= DRILL_LIMIT else ""
        st.markdown(f"**{DIMENSIONS[dimension]}「{plain(value)}」的{what}客户（{len(rows)}{more}）**")
        st.dataframe(pd.DataFrame([{"档案": f"/archive?id={cid}", "客户名称": name, "档案号": number, "负责人": owner,
                                    "区域": region} for cid, name, number, owner, region in rows]),
                     hide_index=True, width="stretch",
                     column_config={"档案": st.column_config.LinkColumn("档案", display_text="打开")})


def figures(user, flt, today: dt.date, schemes: dict[int, str], stack: bool) -> tuple[Any, Any]:
    """Draw every figure; returns the headline numbers and an empty slot for the caption saying how
    fresh they are (filled by the caller once that is known)."""
    view = Figures(user, flt, today, stack)
    head = view.load("headline")
    for col, (label, value) in zip(st.columns(6), [
            ("在用客户", head.active), ("已停用", head.inactive), ("期内新建档案", head.new_in_range),
            ("逾期未跟进", head.overdue), ("待审阅拜访", head.visits_to_review),
            ("逾期应收（万元）", f"{head.receivables_overdue_amount / 10000:,.1f}")]):
        col.metric(label, value)
    updated = st.empty()

    st.subheader("客户结构")
    a, b, c = st.columns(3)
    with a:
        by_class = view.bars("class", f"按分类（{schemes.get(flt.scheme_id, '')}）", "dash_by_class")
    with b:
        by_region = view.bars("province", "按区域", "dash_by_region")
    with c:
        by_type = view.bars("customer_type", "按客户类型", "dash_by_type")
    view.drill(by_class, by_region, by_type)

    st.subheader("跟进与拜访")
    follow_ups = view.load("follow_ups")
    a, b = st.columns(2)
    with a:
        charts.follow_ups_chart(follow_ups, "业务员")
    with b:
        charts.follow_ups_chart(follow_ups, "跟进方式")
    a, b = st.columns(2)
    with a:
        charts.visits_chart(view.load("visits"))
    with b:
        charts.movements_chart(view.load("movements"))

    st.subheader("逾期未跟进")
    a, b = st.columns(2)
    with a:
        late_class = view.bars("class", "逾期客户：按分类", "dash_late_class", overdue=True)
    with b:
        late_owner = view.bars("owner", "逾期客户：按负责人", "dash_late_owner", overdue=True)
    view.drill(late_class, late_owner)

    st.subheader("投诉")
    charts.complaints_chart(view.load("complaints"))

    st.subheader("档案质量")
    a, b = st.columns(2)
    with a:
        charts.new_archives_chart(view.load("new_archives"))
    with b:
        charts.completeness_chart(*view.load("quality"))

    st.subheader("销量、信用与回款")
    a, b = st.columns(2)
    with a:
        charts.sales_chart(view.load("sales"), today.year)
    with b:
        charts.investment_chart(view.load("investment"), today.year)
    a, b = st.columns(2)
    with a:
        charts.credit_chart(view.load("credit"))
    with b:
        charts.aging_chart(view.load("aging"))
    return head, updated
