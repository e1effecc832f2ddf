"""驾驶舱 → .xlsx: every chart's numbers, one sheet each, built when the button is clicked."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from components.dashboard_data import load
from domain.dashboard import DashboardFilter
from domain.workbooks import tables_workbook


def dashboard_tables(user, flt: DashboardFilter, today: dt.date) -> list[tuple[str, list[str], list[tuple]]]:
    head = load("headline", user, flt, today)
    buckets, stale, total = load("quality", user, flt, today)
    by = {d: load("by", user, flt, today, d, True, False) for d in ("class", "province", "customer_type")}
    return [
        ("概览", ["指标", "数值"], [("在用客户", head.active), ("已停用", head.inactive),
                                  ("待审核", head.pending_review), ("退回", head.returned),
                                  ("期内新建档案", head.new_in_range), ("逾期未跟进", head.overdue),
                                  ("待审阅拜访", head.visits_to_review), ("逾期应收笔数", head.receivables_overdue),
                                  ("逾期应收金额（元）", head.receivables_overdue_amount)]),
        ("按分类", ["分类", "负责人", "客户数"], by["class"]),
        ("按区域", ["区域", "负责人", "客户数"], by["province"]),
        ("按客户类型", ["客户类型", "负责人", "客户数"], by["customer_type"]),
        ("逾期按分类", ["分类", "负责人", "客户数"], load("by", user, flt, today, "class", True, True)),
        ("跟进（周）", ["周", "业务员", "跟进方式", "次数"], load("follow_ups", user, flt, today)),
        ("拜访（周）", ["周", "计划回访", "已完成", "登门拜访", "完成率"],
         [(w.week, w.planned, w.done, w.visits, w.success_rate) for w in load("visits", user, flt, today)]),
        ("分类变动", ["周", "移出", "移入", "人次"],
         [(f.period, f.from_name, f.to_name, f.count) for f in load("movements", user, flt, today)]),
        ("新建档案（月）", ["月份", "份数"], load("new_archives", user, flt, today)),
        ("完整度", ["完整度", "客户数"], buckets + [("本季度未更新", stale), ("合计", total)]),
        ("月度销量", ["产品", "月份", "销量"], load("sales", user, flt, today)),
        ("投入与销量", ["客户", "年度投入（万元）", "年销量"], load("investment", user, flt, today)),
        ("信用额度", ["客户", "已用（元）", "信用额度（元）"], load("credit", user, flt, today)),
        ("账龄", ["账龄", "笔数", "未收金额（元）"],
         [(b.label, b.count, b.outstanding) for b in load("aging", user, flt, today)]),
    ]


def export_button(user, flt: DashboardFilter, today: dt.date) -> None:
    title = f"驾驶舱 · {flt.describe()}"
    st.download_button("下载图表数据（.xlsx）", lambda: tables_workbook(title, dashboard_tables(user, flt, today)),
                       file_name=f"驾驶舱_{flt.start}_{flt.end}.xlsx", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                       key="dash_export")
