"""工作报表: a rep's daily/weekly/monthly report and the team's visit report, exportable to .xlsx."""
import altair as alt
import pandas as pd
import streamlit as st

from components.auth import require_user
from db.engine import session_scope
from db.reports import rep_report, report_workbook, stats_row, team_members, team_stats, team_workbook
from domain import periods
from domain.formatting import local_today, plain

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = {"完成率": st.column_config.NumberColumn("完成率", format="percent")}
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


def rate(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "—"


today = local_today()
with session_scope() as session:
    report = rep_report(session, user, who, start, end, today)
    team = team_stats(session, people, start, end, today) if len(people) > 1 else []

st.subheader(plain(title))
s = report.stats
cols = st.columns(7)
for col, (label, value) in zip(cols, [("计划回访", s.planned), ("已完成", s.completed),
                                      ("完成率", rate(s.completion_rate)),
                                      ("待到期", s.upcoming), ("登门拜访", s.visits), ("跟进合计", s.follow_ups),
                                      ("联系客户数", s.customers)]):
    col.metric(label, value)
if s.upcoming:
    st.caption(f"计划回访只计截至 {today:%Y-%m-%d} 已到期的计划（提前完成的也计入）；"
               f"此后到期的 {s.upcoming} 条为待到期，"
               "不计入完成率。")
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
st.download_button("下载本报表（.xlsx）", report_workbook(title, report),
                   file_name=f"{title}.xlsx".replace(" · ", "_"), mime=XLSX, key="report_download", on_click="ignore")

if team:
    team_title = f"团队拜访报表 · {periods.period_label(start, kind)}"
    st.subheader(team_title)
    st.dataframe(pd.DataFrame([stats_row(row) for row in team]), hide_index=True, width="stretch",
                 column_config=PERCENT)
    st.download_button("下载团队报表（.xlsx）", team_workbook(team_title, team),
                       file_name=f"{team_title}.xlsx".replace(" · ", "_"), mime=XLSX, key="team_report_download",
                       on_click="ignore")
