"""工作台 · 今日待办: what needs this user's attention today."""
import streamlit as st

from components.agenda import agenda_view
from components.auth import require_user
from components.customer_table import TABLE_HINT, customer_table
from components.feedback import show_flash
from db.archive_queries import CustomerFilter, list_customers, review_queue
from db.engine import session_scope
from db.followup_queries import agenda
from domain import permissions
from domain.formatting import local_today, plain
from domain.review import PENDING, RETURNED

user = require_user(__file__)
show_flash()
today = local_today()
st.title(f"您好，{plain(user.name)}")
st.caption(f"{user.role_label} · 今日待办 · {today.year} 年 {today.month} 月 {today.day} 日")

with session_scope() as session:
    todo = agenda(session, user, today)
    returned = list_customers(session, user, CustomerFilter(owner_id=user.id, review_state=RETURNED))
    pending_mine = list_customers(session, user, CustomerFilter(owner_id=user.id, review_state=PENDING),
                                  page_size=1).total
    queue = review_queue(session, user) if permissions.sees_team(user) else []

figures = [("今天及逾期的回访", todo.plans.total), ("应跟进的客户", todo.due.total)] + (
    [("待我审阅的拜访记录", todo.to_review.total), ("待我审核的档案", len(queue))] if permissions.sees_team(user)
    else [("被退回待修改", returned.total), ("我提交待审核", pending_mine)])
with st.container(horizontal=True, gap="medium"):  # wraps two to a row on a phone instead of four rows
    for label, value in figures:
        st.metric(label, value, width=150)

agenda_view(user, todo)

if returned.rows:
    st.subheader("被退回的档案")
    st.caption("上级退回了这些档案，请按审核意见修改后重新提交。" + TABLE_HINT)
    if (clicked := customer_table(returned, key="home_returned", masked=user.masked)) is not None:
        st.switch_page("pages/archive.py", query_params={"id": clicked})
with st.container(horizontal=True, gap="medium"):
    if queue:
        st.page_link("pages/review.py", label=f"打开审核队列（{len(queue)} 份待我审核）", icon=":material/fact_check:")
    if permissions.can_create(user):
        st.page_link("pages/new.py", label="新建客户档案", icon=":material/edit_note:")
    st.page_link("pages/archives.py", label="查找客户档案", icon=":material/folder_shared:")
