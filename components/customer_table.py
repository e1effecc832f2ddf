"""The archive list table: one page of rows; a customer's name is a link to its archive."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pandas as pd
import streamlit as st

from components.feedback import refused
from db.archive_queries import CustomerFilter, CustomerPage
from db.engine import session_scope
from db.exports import export_customers
from db.models_followups import ContactStatus
from domain.cadence import contact_note
from domain.errors import UserFacingError
from domain.formatting import local_time, local_today
from domain.masking import mask_phone
from domain.review import STATE_LABELS

NAME_LINK_TEXT = r"#(.+)$"  # the link shows the name carried in its fragment (decoded by the grid)


def archive_url(customer_id: int, name: str) -> str:
    """The archive page's address, relative (so it works under any base path), with the name after ``#``
    for the table to show: st.column_config.LinkColumn shows a regex group of the URL, not another column."""
    return f"archive?id={customer_id}#{quote(name or '（无名称）', safe='')}"


def name_link_column(label: str = "客户名称") -> st.column_config.LinkColumn:
    return st.column_config.LinkColumn(label, display_text=NAME_LINK_TEXT, help="点击名称在新标签页打开档案")


def due_text(status: ContactStatus | None, today: dt.date) -> str:
    """The list's 应跟进 column: what is due by which contact, marked ⚠ when overdue."""
    note = contact_note(status, today)
    return f"⚠ {note.text}" if note.late else note.text


def customer_frame(page: CustomerPage, masked: bool = False) -> pd.DataFrame:
    today = local_today()
    return pd.DataFrame([{
        "档案号": c.archive_no,
        "客户名称": archive_url(c.id, c.name),
        "应跟进": due_text(page.contact.get(c.id), today) if c.is_active else "",
        "负责人": c.owner.name if c.owner else "（无）",
        "电话": (mask_phone(c.phone) if masked else c.phone) or "",
        "完整度": c.completeness,
        "客户类型": c.customer_type,
        "区域": " ".join(x for x in (c.province, c.city) if x),
        "分类": "、".join(page.classes.get(c.id, [])),
        "审核": STATE_LABELS.get(c.review_state, c.review_state),
        "状态": "在用" if c.is_active else "停用",
        "更新时间": local_time(c.updated_at),
    } for c in page.rows])


def customer_table(page: CustomerPage, key: str, masked: bool = False) -> int | None:
    """Show the page of customers; returns the id of the row the user ticked, if any (the name is a link)."""
    if not page.rows:
        st.info("没有符合条件的档案。")
        return None
    event = st.dataframe(
        customer_frame(page, masked).style.map(lambda v: "color: #d62728" if str(v).startswith("⚠") else "",
                                       subset=["应跟进"]), key=key, hide_index=True, width="stretch", on_select="rerun",
        selection_mode="single-row",
        column_config={"客户名称": name_link_column(),
                       "应跟进": st.column_config.TextColumn("应跟进", width="medium",
                                                             help="逾期的是哪种联系、频率和上次的日期"),
                       "完整度": st.column_config.ProgressColumn("完整度", min_value=0, max_value=100,
                                                                  format="%d%%", width="small")})
    selected = event.selection.rows if event else []
    return page.rows[selected[0]].id if selected else None


TABLE_HINT = "点击客户名称在新标签页打开档案，或勾选行首的方框在本页打开。"


def describe_filter(flt: CustomerFilter) -> str:
    parts = [f"搜索「{flt.search}」" if flt.search else "", flt.province or "", flt.customer_type or "",
             "逾期未跟进" if flt.overdue else "",
             {"active": "在用", "inactive": "已停用", "all": "全部状态"}[flt.status]]
    return "筛选：" + "，".join(p for p in parts if p)


def export_list_button(user, flt: CustomerFilter) -> None:
    """Two steps, so the export (and its history entry) happens only when asked for."""
    if st.button("准备导出（当前筛选结果）", icon=":material/table_view:", key="export_list"):
        try:
            with session_scope() as session:
                content, count = export_customers(session, user, flt, description=describe_filter(flt))
        except UserFacingError as exc:
            refused(exc)
            return
        st.session_state["export_file"] = (repr(flt), content, count)
    ready = st.session_state.get("export_file")
    if ready and ready[0] == repr(flt):  # a file made for another filter is not offered
        st.download_button(f"下载 Excel（{ready[2]} 份档案）", ready[1], file_name="客户档案导出.xlsx",
                           icon=":material/download:", key="export_download", on_click="ignore")
