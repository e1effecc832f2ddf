"""The pages each role sees. Every page file also guards itself (require_user)."""
from __future__ import annotations

import streamlit as st

from components.auth import CurrentUser
from domain import permissions
from domain.roles import SUPERVISORS


def pages_for(user: CurrentUser) -> dict[str, list[st.Page]]:
    archive_pages = [
        st.Page("pages/home.py", title="今日待办", icon=":material/today:", url_path="home", default=True),
        st.Page("pages/archives.py", title="客户档案", icon=":material/folder_shared:", url_path="archives"),
    ]
    if permissions.can_create(user):
        archive_pages.append(st.Page("pages/archive_new.py", title="档案录入", icon=":material/edit_note:", url_path="new"))
    archive_pages.append(st.Page("pages/calendar.py", title="跟进日历", icon=":material/calendar_month:",
                                 url_path="calendar"))
    archive_pages.append(st.Page("pages/receivables.py", title="回款提醒", icon=":material/payments:",
                                 url_path="receivables"))
    archive_pages.append(st.Page("pages/dashboard.py", title="驾驶舱", icon=":material/monitoring:",
                                 url_path="dashboard"))
    archive_pages.append(st.Page("pages/reports.py", title="工作报表", icon=":material/summarize:", url_path="reports"))
    archive_pages.append(st.Page("pages/market.py", title="市场与竞品", icon=":material/storefront:",
                                 url_path="market"))
    archive_pages.append(st.Page("pages/access.py", title="借阅申请", icon=":material/key:", url_path="access"))
    archive_pages.append(st.Page("pages/pool.py", title="公海", icon=":material/waves:", url_path="pool"))
    archive_pages.append(st.Page("pages/board.py", title="分类看板", icon=":material/view_kanban:", url_path="board"))
    if permissions.can_import(user):
        archive_pages.append(st.Page("pages/imports.py", title="导入导出", icon=":material/upload_file:",
                                     url_path="import"))
    archive_pages.append(st.Page("pages/archive.py", title="档案详情", icon=":material/description:", url_path="archive",
                                 visibility="hidden"))
    sections = {"客户档案": archive_pages}
    admin_pages = []
    if user.role in SUPERVISORS:
        admin_pages.append(st.Page("pages/review.py", title="审核队列", icon=":material/fact_check:", url_path="review"))
    if permissions.can_read_access_log(user):
        admin_pages.append(st.Page("pages/read_log.py", title="查阅记录", icon=":material/visibility:",
                                   url_path="read-log"))
    if permissions.may_hand_over(user):
        admin_pages.append(st.Page("pages/handover.py", title="离职交接", icon=":material/move_up:",
                                   url_path="handover"))
    if permissions.can_close_year(user):
        admin_pages.append(st.Page("pages/volumes.py", title="年度归档", icon=":material/inventory_2:",
                                   url_path="volumes"))
    if permissions.can_manage_users(user):
        admin_pages.append(st.Page("pages/users.py", title="用户管理", icon=":material/group:", url_path="users"))
    if permissions.can_manage_schemes(user):
        admin_pages.append(st.Page("pages/schemes.py", title="分类方案", icon=":material/category:",
                                   url_path="schemes"))
    if admin_pages:
        sections["管理"] = admin_pages
    return sections
