"""离职交接: a manager picks a leaving user, sees what they hold, hands it all over in one confirmed
step (to one or several colleagues, or to the shared pool), and checks nothing is left behind."""
import pandas as pd
import streamlit as st

from components.auth import require_user
from components.feedback import flash, refused, show_flash
from db.engine import session_scope
from db.handover import POOL, hand_over, holdings, orphans, receivers
from db.users import list_users
from domain import permissions
from domain.errors import UserFacingError

user = require_user(__file__)
st.title("离职交接")
st.caption("离职人员名下的客户、回访计划一次性转给同事或转入公海；账户随即停用，每份档案的历史都会记下交接。")
show_flash()

with session_scope() as session:
    team = [u for u in list_users(session, active_only=True) if permissions.can_hand_over(user, u)]
names = {u.id: f"{u.name}（{u.username}）" for u in team}
# Never pre-selected: confirming disables the chosen account.
leaving_id = st.selectbox("离职人员", list(names), format_func=names.get, key="handover_user", index=None,
                          placeholder="请选择离职人员") if team else None
if not team:
    st.info("没有可以办理交接的成员。")
elif leaving_id is None:
    st.info("请先选择离职人员，再查看其名下的客户并办理交接。")
else:
    with session_scope() as session:
        held = holdings(session, user, leaving_id)
        people = {u.id: u.name for u in receivers(session, leaving_id)}
    cols = st.columns(5)
    cols[0].metric("负责的客户", len(held.customers))
    cols[1].metric("未完成的回访计划", held.open_plans)
    cols[2].metric("未审阅的跟进记录", held.unreviewed)
    cols[3].metric("客户未收账款（元）", f"{held.outstanding:,.0f}")
    cols[4].metric("未结束的借阅", held.loans, help="交接时一并归还")
    targets = {POOL: "转入公海", **people}
    default = st.selectbox("默认接手人", list(targets), format_func=targets.get, key=f"handover_default:{leaving_id}",
                           index=1 if len(targets) > 1 else 0)
    frame = pd.DataFrame([{"客户": name, "档案号": number, "状态": "在用" if active else "已停用",
                           "接手人": targets[default]} for _, name, number, active in held.customers])
    edited = st.data_editor(frame, key=f"handover_grid:{leaving_id}:{default}", hide_index=True, width="stretch",
                            disabled=["客户", "档案号", "状态"], column_config={
                                "接手人": st.column_config.SelectboxColumn("接手人", options=list(targets.values()),
                                                                         required=True)}) if len(frame) else frame
    by_name = {label: uid for uid, label in targets.items()}
    reason = st.text_input("交接原因 *", key="handover_reason", placeholder="例如：张伟 2026 年 12 月离职")
    if st.button("确认交接并停用账户", type="primary", key="handover_go"):
        plan = {cid: by_name[row["接手人"]] for (cid, *_), row in zip(held.customers, edited.to_dict("records"))}
        try:
            with session_scope() as session:
                done = hand_over(session, user, leaving_id, plan, reason=reason)
        except UserFacingError as exc:
            refused(exc)
        else:
            flash(f"交接完成：{done['moved']} 位客户转给同事，{done['pooled']} 位转入公海，"
                  f"{done['plans']} 条回访计划随客户转交，{done['loans']} 项借阅已归还；{held.user.name} 的账户已停用")
            st.rerun()

st.subheader("遗留检查")
with session_scope() as session:
    left = orphans(session)
if not left.customers and not left.plans:
    st.success("没有仍由已停用账户负责的客户或回访计划。")
else:
    st.warning(f"{len(left.customers)} 位客户、{left.plans} 条回访计划仍由已停用的账户负责，请为他们办理交接。")
    st.dataframe(pd.DataFrame(left.customers, columns=["编号", "客户", "档案号", "原负责人"]).drop(columns="编号"),
                 hide_index=True, width="stretch")
