"""借阅申请: ask to read an archive one cannot see, follow one's requests, and (supervisors) decide."""
import datetime as dt

import pandas as pd
import streamlit as st

from components.auth import require_user
from components.feedback import decision, run_write, show_flash
from components.forms import create, create_form
from db.access import (
    decide,
    find_customer,
    give_back,
    lent_out,
    my_requests,
    recall,
    request_access,
    shown_archive_no,
    to_decide,
)
from db.engine import session_scope
from domain.access import MAX_DAYS
from domain.formatting import local_today, plain

user = require_user(__file__)
show_flash()
today = local_today()
st.title("借阅申请")
st.caption("看不到的档案（其他同事负责的客户）可以申请借阅：写明原因和归还日期，由负责人的上级审批；"
           "到了归还日期借阅自动结束。借阅只能查看，不能修改。")

with session_scope() as session:
    asked_for = st.query_params.get("customer", "")
    asked = int(asked_for) if asked_for.isdigit() and len(asked_for) < 10 else None
    preset = shown_archive_no(session, user, asked) if asked else ""
    decisions = to_decide(session, user, today)
    lent = lent_out(session, user, today)
    mine = my_requests(session, user, today)

if decisions:
    st.subheader(f"待我审批（{len(decisions)}）")
    for row in decisions:
        with st.container(border=True):
            st.markdown(f"**{plain(row.borrower)}** 申请借阅 **{plain(row.customer)}**（{plain(row.archive_no)}）"
                        f"至 **{row.until}**")
            st.markdown(f"原因：{plain(row.reason)}")
            decision(f"access:{row.id}", lambda s, ok, comment, g=row.id: decide(s, user, g, ok, comment),
                     approved=f"已同意 {row.borrower} 借阅", refused_message=f"已拒绝 {row.borrower} 的借阅申请")

if lent:
    st.subheader(f"借阅中，可提前收回（{len(lent)}）")
    st.caption("借出的档案到归还日期自动收回；需要提前结束时写明原因后收回，原因会记入档案历史，借阅人也能看到。")
    for row in lent:
        with st.container(border=True):
            st.markdown(f"**{plain(row.borrower)}** 借阅 **{plain(row.customer)}**（{plain(row.archive_no)}）"
                        f"至 **{row.until}**"
                        f" · 原因：{plain(row.reason)}")
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            why = left.text_input("收回原因 *", key=f"recall:{row.id}:reason",
                                  placeholder="例如：投诉已处理完毕，无需再查看")
            if right.button("提前收回", key=f"recall:{row.id}", width="stretch"):
                run_write(lambda s, g=row.id: recall(s, user, g, why), f"已提前收回 {row.borrower} 的借阅")

st.subheader("申请借阅")
if asked and not preset:
    st.info("将为您申请借阅链接所指的那份档案：借阅获批之前不显示它的档案号和名称。"
            "也可以在下面填写另一份档案的档案号或客户全称。")
with create_form("access_request"):  # saved once, then empty: a double click files one request
    wanted = st.text_input("档案号或客户全称" + ("" if asked and not preset else " *"), value=preset)
    reason = st.text_area("借阅原因 *", placeholder="例如：客户来电投诉，需要查看往来记录")
    until = st.date_input("归还日期 *", value=today + dt.timedelta(days=7), min_value=today,
                          max_value=today + dt.timedelta(days=MAX_DAYS), format="YYYY-MM-DD")
    if st.form_submit_button("提交申请", type="primary"):
        linked = asked if asked and not preset and not wanted.strip() else None
        create("access_request", lambda s: request_access(s, user, linked or find_customer(s, wanted).id, reason,
                                                          until), "借阅申请已提交，等待负责人的上级审批")

st.subheader("我的借阅")
if not mine:
    st.info("您还没有借阅申请。")
else:
    st.dataframe(pd.DataFrame([{"客户": f"{r.customer}（{r.archive_no}）", "原因": r.reason, "归还日期": r.until,
                                "状态": r.state, "审批人": r.decided_by, "审批意见": r.comment,
                                "档案": f"/archive?id={r.customer_id}" if r.state == "借阅中" else ""}
                               for r in mine]),
                 hide_index=True, width="stretch",
                 column_config={"档案": st.column_config.LinkColumn("档案", display_text="打开"),
                                "原因": st.column_config.TextColumn("原因", width="medium"),
                                "审批意见": st.column_config.TextColumn("审批意见", width="large")})
    open_ones = {r.id: r for r in mine if r.open}
    if open_ones:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        picked = left.selectbox("提前归还或撤回申请", [0, *open_ones], key="access_return_pick",
                                format_func=lambda v: (f"{open_ones[v].customer}（{open_ones[v].state}）"
                                                       if v else "请选择"))
        if right.button("归还 / 撤回", key="access_return", disabled=not picked, width="stretch"):
            run_write(lambda s: give_back(s, user, picked), "已归还，借阅结束")
