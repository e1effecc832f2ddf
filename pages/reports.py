"""工作报表: a rep's daily/weekly/monthly report and the team's visit report, exportable to .xlsx."""
import altair as alt
import pandas as pd
import streamlit as st

from components.auth import require_user
from db.engine import session_scope
from db.reports import RepStats, rep_report, team_members, team_stats
from domain import periods
from domain.formatting import local_today, plain
from domain.workbooks import tables_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
user = require_user(__file__)
st.title("工作报表")

left, middle, right = st.columns([2, 2, 3])
kind = left.segmented_control("报表", list(periods.REPORT_LABELS), format_func=periods.REPORT_LABELS.get,
                              default=periods.WEEK, key="report_kind", required=True)
day = middle.date_input("日期（所在的日/周/月）", value=local_today(), format="YYYY-MM-DD", key="report_day")
start = periods.period_start(day, kind)
end = periods.next_period(start, kind)
with session_scope() as session:
    people = team_members(session, user)
if not people:
    st.info("没有可以查看的报表。")
    st.stop()
names = {p.id: p.name for p in people}
who = right.selectbox("人员", list(names), format_func=names.get, key="report_who")
title = f"{names[who]} · {periods.REPORT_LABELS[kind]} · {periods.period_label(start, kind)}"


def stats_row(s: RepStats) -> dict:
    rate = f"{s.completion_rate:.0%}" if s.completion_rate is not None else "—"
    return {"人员": s.name, "计划回访": s.planned, "已完成": s.completed, "完成率": rate, "登门拜访": s.visits,
            "跟进合计": s.follow_ups, "联系客户数": s.customers, "已审阅": s.reviewed,
            **{m: n for m, n in s.by_method.items()}}


with session_scope() as session:
    report = rep_report(session, user, who, start, end)
    team = team_stats(session, people, start, end) if len(people) > 1 else []

st.subheader(plain(title))
s = report.stats
cols = st.columns(6)
for col, (label, value) in zip(cols, [("计划回访", s.planned), ("已完成", s.completed),
                                      ("完成率", f"{s.completion_rate:.0%}" if s.completion_rate is not None else "—"),
                                      ("登门拜访", s.visits), ("跟进合计", s.follow_ups), ("联系客户数", s.customers)]):
    col.metric(label, value)
methods = pd.DataFrame([{"跟进方式": m, "次数": n} for m, n in s.by_method.items()])
st.altair_chart(alt.Chart(methods, title="按跟进方式").mark_bar().encode(
    x=alt.X("跟进方式:N", sort=list(s.by_method), axis=alt.Axis(labelAngle=0)),
    y=alt.Y("次数:Q", title="次数", axis=alt.Axis(format="d", tickMinStep=1)),
    tooltip=["跟进方式", "次数"]).properties(height=220), width="stretch")
problems = pd.DataFrame(report.open_problems, columns=["日期", "客户", "遗留问题"])
records = pd.DataFrame(report.records, columns=["日期", "客户", "跟进方式", "跟进情况"])
st.markdown(f"**遗留问题（{len(problems)}）**")
if len(problems):
    st.dataframe(problems, hide_index=True, width="stretch")
else:
    st.caption("没有遗留问题。")
with st.expander(f"跟进明细（{len(records)}）"):
    st.dataframe(records, hide_index=True, width="stretch")
summary = pd.DataFrame([stats_row(s)])
st.download_button("下载本报表（.xlsx）", tables_workbook(title, [
    ("汇总", list(summary.columns), summary.itertuples(index=False)),
    ("遗留问题", list(problems.columns), problems.itertuples(index=False)),
    ("跟进明细", list(records.columns), records.itertuples(index=False))]),
    file_name=f"{title}.xlsx".replace(" · ", "_"), mime=XLSX, key="report_download", on_click="ignore")

if team:
    team_title = f"团队拜访报表 · {periods.period_label(start, kind)}"
    st.subheader(team_title)
    frame = pd.DataFrame([stats_row(row) for row in team])
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button("下载团队报表（.xlsx）", tables_workbook(team_title, [
        ("团队", list(frame.columns), frame.itertuples(index=False))]),
        file_name=f"{team_title}.xlsx".replace(" · ", "_"), mime=XLSX, key="team_report_download", on_click="ignore")
