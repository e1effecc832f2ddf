"""审核队列: what waits for this supervisor — rep's sensitive changes, discount requests, new archives."""
import pandas as pd
import streamlit as st

from components.auth import require_user
from components.complaint_views import discount_box
from components.customer_table import archive_url, name_link_column
from components.feedback import show_flash
from components.signoff_views import pending_changes
from db.archive_queries import review_queue
from db.complaints import discounts_to_decide
from db.engine import session_scope
from db.signoff import to_sign
from domain.formatting import local_time

user = require_user(__file__)
show_flash()
st.title("审核队列")
st.caption("业务员新建的档案先由直接上级审核：通过即归档，退回需写明意见。"
           "点击客户名称（新标签页）或勾选行首的方框打开档案进行审核。"
           "业务员对信用额度、账期和银行信息的修改，以及折价 / 让利申请，也在这里审批。")

with session_scope() as session:
    queue = review_queue(session, user)
    changes = to_sign(session, user)
    discounts = discounts_to_decide(session, user)
if changes:
    st.subheader(f"待审批的敏感修改（{len(changes)}）")
    st.caption("业务员对信用额度、账期、开户行和账号的修改，须经上级同意后才生效。")
    for change, customer in changes:
        pending_changes(user, [change], True, title=f" · {customer.name}（{customer.archive_no}）")
if discounts:
    st.subheader(f"待审批的折价 / 让利（{len(discounts)}）")
    for discount, customer in discounts:
        discount_box(user, discount, title=f" · {customer.name}（{customer.archive_no}）")
if changes or discounts:
    st.subheader("待审核的新档案")
if not queue:
    st.success("没有待审核的档案。")
    st.stop()
frame = pd.DataFrame([{"档案号": c.archive_no, "客户名称": archive_url(c.id, c.name), "客户类型": c.customer_type,
                       "负责人": c.owner.name if c.owner else "", "完整度": c.completeness,
                       "提交时间": local_time(c.updated_at)} for c in queue])
event = st.dataframe(frame, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                     key="review_table", column_config={
                         "客户名称": name_link_column(),
                         "完整度": st.column_config.ProgressColumn("完整度", min_value=0, max_value=100,
                                                                   format="%d%%")})
if event and event.selection.rows:
    st.switch_page("pages/archive.py", query_params={"id": queue[event.selection.rows[0]].id})
