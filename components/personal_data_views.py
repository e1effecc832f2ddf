"""个人信息与删除 (archivist, admin): a contact person's export and anonymisation on their request, deleting
the archive, and the list of deleted archives with 恢复. The rules are in db/personal_data.py."""
from __future__ import annotations

import json

import streamlit as st

from components.feedback import flash, refused, run_write
from db.engine import session_scope
from db.models import Contact
from db.personal_data import anonymise_contact, delete_customer, deleted_customers, export_contact, restore_customer
from domain.errors import UserFacingError
from domain.formatting import local_time, plain
from domain.personal_data import ANONYMISED


def personal_data_tab(user, customer_id: int, archive_no: str, contacts: list[Contact]) -> None:
    st.caption("依《个人信息保护法》，联系人本人可要求查阅或删除其个人信息。导出和匿名化都记入档案历史；"
               "匿名化后，此人的姓名、电话等在联系人、历史、跟进和投诉记录中都改为「已匿名化」，业务记录保留。")
    for contact in contacts:
        with st.container(border=True):
            if contact.anonymised_at is not None:
                st.markdown(f"**{ANONYMISED}**（{plain(contact.role) or '联系人'}） · "
                            f"于 {local_time(contact.anonymised_at)} 匿名化")
                continue
            st.markdown(f"**{plain(contact.name)}**（{plain(contact.role) or '联系人'}）")
            _export(user, contact)
            _anonymise(user, contact)
    if not contacts:
        st.info("这份档案没有联系人。")
    st.divider()
    _delete(user, customer_id, archive_no)


def _export(user, contact: Contact) -> None:
    ready = f"personal_export:{contact.id}"
    if st.button("导出此人的个人信息", key=f"pd_export:{contact.id}"):
        try:
            with session_scope() as session:
                st.session_state[ready] = json.dumps(export_contact(session, user, contact.id),
                                                     ensure_ascii=False, indent=2).encode("utf-8")
        except UserFacingError as exc:
            refused(exc)
    if data := st.session_state.get(ready):
        st.download_button("下载（JSON 文件，可交给本人）", data, file_name=f"个人信息_联系人{contact.id}.json",
                           mime="application/json", key=f"pd_download:{contact.id}")


def _anonymise(user, contact: Contact) -> None:
    with st.expander("按本人要求匿名化", key=f"pd_anon_open:{contact.id}"):
        reason = st.text_input("原因 *（例如：本人于某日来电要求删除）", key=f"pd_anon_reason:{contact.id}")
        sure = st.checkbox("我已核实是本人的请求；匿名化不能撤销", key=f"pd_anon_sure:{contact.id}")
        if st.button("匿名化", key=f"pd_anon:{contact.id}", disabled=not sure):
            run_write(lambda s: anonymise_contact(s, user, contact.id, reason), "联系人已匿名化，记入档案历史")


def _delete(user, customer_id: int, archive_no: str) -> None:
    st.markdown("**删除档案**")
    st.caption("删除后档案从所有列表、搜索和导出中消失，税号可重新登记；内容和历史仍保留，档案管理员可在「年度归档」页恢复。"
               "只是不再合作的客户，请用「停用」。")
    reason = st.text_input("删除原因 *", key="pd_delete_reason")
    sure = st.checkbox(f"确认删除档案 {plain(archive_no)}", key="pd_delete_sure")
    if st.button("删除此档案", key="pd_delete", disabled=not sure):
        try:
            with session_scope() as session:
                delete_customer(session, user, customer_id, reason)
        except UserFacingError as exc:
            refused(exc)
        else:
            flash(f"档案 {archive_no} 已删除")
            st.switch_page("pages/archives.py")


def deleted_archives(user) -> None:
    """The deleted archives, newest first, each with 恢复 (refused if its 税号 was filed again)."""
    with session_scope() as session:
        rows = [(c.id, c.archive_no, c.name, c.deleted_at, c.deleted_reason) for c in deleted_customers(session, user)]
    if not rows:
        st.caption("没有已删除的档案。")
        return
    for customer_id, number, name, at, why in rows:
        left, right = st.columns([4, 2])
        left.markdown(f"**{number}** {name} · {local_time(at)} 删除 · 原因：{why or ''}")
        with right.popover("恢复", width="stretch"):
            reason = st.text_input("恢复原因 *", key=f"restore_reason:{customer_id}")
            if st.button("确认恢复", key=f"restore:{customer_id}"):
                run_write(lambda s, cid=customer_id: restore_customer(s, user, cid, reason), f"档案 {number} 已恢复")
