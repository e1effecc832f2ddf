"""The archive page's larger pieces: the review box, and the 资料卡, 跟进, 编辑 and 停用/启用 tabs.

pages/archive.py loads the archive once (with its visibility check) and calls these with what it
loaded; each opens its own unit of work for what it reads or writes.
"""
from __future__ import annotations

import streamlit as st

from components.archive_form import archive_form, form_changed, submit_archive
from components.card import print_button, show_card
from components.duplicates import duplicate_warning
from components.feedback import flash, run_write, show_flash
from components.field_widgets import reset_form_state
from components.followup_form import follow_up_form, plan_form
from components.followup_views import follow_up_list, plan_list, status_line
from db import market as market_db
from db.archives import ArchiveInput, record_card_export, review_customer, set_customer_active, update_customer
from db.engine import session_scope
from db.followup_queries import Timeline
from db.models import ClassScheme, Customer, User
from db.pool import release
from domain import masking, permissions, review, signoff
from domain.card import card_sections
from domain.completeness import missing_labels
from domain.formatting import local_time, plain
from domain.workbooks import card_workbook


def archive_header(customer: Customer, initial: ArchiveInput, contacts: Timeline) -> None:
    """The archive's name and what to know at a glance: number, state, owner, completeness, what is
    missing, when it is due for contact, whether it is deactivated."""
    state_label = review.STATE_LABELS[customer.review_state]
    st.title(plain(customer.name))
    st.caption(f"档案号 {plain(customer.archive_no)} · {state_label} · {'在用' if customer.is_active else '已停用'} · "
               f"负责人 {plain(customer.owner.name) if customer.owner else '（无）'} · "
               f"完整度 {customer.completeness}% · "
               f"更新于 {local_time(customer.updated_at)}")
    show_flash()  # below the title: a message shown once must not move the title (the browser would show two)
    missing = missing_labels(initial.values, contacts=len(initial.contacts), products=len(initial.products))
    if missing:
        st.caption("待补充：" + "、".join(missing[:12]) + ("…" if len(missing) > 12 else ""))
    status_line(contacts.status)
    if not customer.is_active:
        st.warning("此档案已停用：默认列表中不再显示，历史全部保留。")


def review_box(user, customer: Customer, owner_supervisor: int | None) -> None:
    """审核: a returned archive can be resubmitted; a pending one is approved or returned here."""
    if customer.review_state == review.RETURNED:
        st.error(f"该档案已被退回，审核意见：{plain(customer.review_comment) or '（无）'}。"
                 "请在「编辑」中修改后重新提交。")
        if permissions.can_edit(user, customer) and st.button("重新提交审核", key="resubmit"):
            run_write(lambda s: review_customer(s, user, customer.id, review.RESUBMIT), "已重新提交审核")
    if customer.review_state == review.PENDING and permissions.can_review(user, customer, owner_supervisor):
        with st.container(border=True):
            st.markdown("**审核**：这份档案等待您审核。")
            comment = st.text_input("审核意见（退回时必填）", key="review_comment")
            approve_col, return_col = st.columns(2)
            if approve_col.button("审核通过，归档", type="primary", key="approve"):
                run_write(lambda s: review_customer(s, user, customer.id, review.APPROVE, comment), "已审核通过并归档")
            if return_col.button("退回修改", key="return"):
                run_write(lambda s: review_customer(s, user, customer.id, review.RETURN, comment), "已退回给负责人")


def card_tab(user, customer: Customer, initial: ArchiveInput) -> None:
    """资料卡: the paper card on screen (masked for masked roles), its print and .xlsx, market notes."""
    state_label = review.STATE_LABELS[customer.review_state]
    header = {"档案号": customer.archive_no, "审核状态": state_label,
              "负责人": customer.owner.name if customer.owner else "", "建档日期": local_time(customer.created_at)[:10]}
    values, people_rows = initial.values, initial.contacts
    if user.masked:
        st.caption(masking.NOTICE)
        values, people_rows = masking.mask_values(values), masking.mask_contacts(people_rows)
    sides = card_sections(header, values, people_rows, initial.products, initial.competitors,
                          initial.sales, initial.sales_year)
    if permissions.can_export(user, customer):
        def record_export() -> None:
            with session_scope() as s:
                record_card_export(s, user, customer.id)

        left, right = st.columns([1, 4])
        with left:
            print_button()
        right.download_button("下载资料卡（.xlsx）", lambda: card_workbook(customer.name, sides),  # built on click
                              file_name=f"{customer.archive_no}_{customer.name}_资料卡.xlsx",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              on_click=record_export)
    show_card(customer.name, sides)
    with session_scope() as session:
        market = market_db.for_customer(session, user, customer)
    if market:
        st.subheader("市场动态（竞品）")
        for note in market:
            price = f" {note.price:,.2f} 元" if note.price is not None else ""
            where = "本客户" if note.customer_id == customer.id else f"{note.city or note.province or ''}"
            st.caption(plain(f"{note.day} · {where} · {note.competitor} {note.product or ''}{price} · "
                             f"{note.topic}：{note.content}"))


def follow_up_tab(user, customer: Customer, schemes: list[ClassScheme], people: list[User],
                  contacts: Timeline) -> None:
    """跟进: quick entry, 安排回访, the plans and records, 释放到公海."""
    customer_id = customer.id
    if permissions.can_follow_up(user, customer) and customer.is_active:
        movable = schemes if permissions.can_move_class(user, customer) else []
        if follow_up_form(user, customer_id, key=f"fu:{customer_id}", schemes=movable,
                          current={c.scheme_id: c.value_id for c in customer.classes}):
            st.rerun()
        plan_box = st.expander("安排回访", key=f"plan_open:{customer_id}", on_change="rerun")  # runs when open
        with plan_box:
            if plan_box.open and plan_form(user, [customer_id], key=f"plan:{customer_id}",
                                           assignees=people if permissions.sees_team(user) else None):
                st.rerun()
    st.subheader("回访计划")
    plan_list(user, contacts, key=f"plans:{customer_id}")
    st.subheader("跟进记录")
    follow_up_list(user, contacts, supervisor_of={p.id: p.supervisor_id for p in people},
                   key=f"fus:{customer_id}")
    if customer.owner_id is not None and (customer.owner_id == user.id or permissions.can_assign_owner(user)):
        release_box = st.expander("释放到公海", key=f"release_open:{customer_id}", on_change="rerun")
        with release_box:
            if release_box.open:
                st.caption("释放后客户进入公海，任何业务员都可认领；原负责人在规定天数内不能再认领（见「分类方案」中的公海规则）。")
                why = st.text_input("释放原因 *", key="release_reason", placeholder="例如：客户已转行，暂无合作可能")
                if st.button("释放到公海", key="release_go"):
                    run_write(lambda s: release(s, user, customer_id, why), "客户已释放到公海")


def edit_tab(user, customer: Customer, initial: ArchiveInput, schemes: list[ClassScheme], people: list[User],
             *, is_open: bool) -> None:
    """编辑: the archive form with its reason. It also runs while it holds unsaved changes (another tab
    open to look something up loses nothing); opened and left unchanged, it starts afresh next time."""
    key = f"edit:{customer.id}"
    if not (is_open or form_changed(key, initial)):
        reset_form_state(f"{key}:")
        return
    if f"{key}:name" not in st.session_state:  # a fresh form starts from the version shown now
        st.session_state[f"{key}:base_version"] = customer.version
    base_version = st.session_state[f"{key}:base_version"]
    errors = st.session_state.get(f"{key}:errors", {})
    data = archive_form(key, initial, schemes=schemes, owners=people,
                        can_assign_owner=permissions.can_assign_owner(user), errors=errors)
    st.session_state.setdefault(f"{key}:reason", "")  # after a save the box is empty again, not the old reason
    reason = st.text_input("修改原因 *", key=f"{key}:reason", placeholder="例如：客户搬迁，更新地址和电话")
    if errors.get("reason"):
        st.markdown(f":red[⚠ 修改原因：{plain(errors['reason'])}]")
    if conflict := st.session_state.get(f"{key}:conflict"):
        st.error(plain(conflict))
        if st.button("放弃我的修改，载入最新版本", key=f"{key}:reload"):
            reset_form_state(f"{key}:")
            st.rerun()
    confirmed = False
    if duplicates := st.session_state.get(f"{key}:dups"):
        confirmed = duplicate_warning(user, duplicates, key)
    if st.button("保存修改", type="primary", key=f"{key}:save") or confirmed:
        saved = submit_archive(key, lambda s: update_customer(
            s, user, customer.id, data, reason=reason, expected_version=base_version,
            confirm_duplicates=confirmed))
        if saved is not None:
            reset_form_state(f"{key}:")
            flash("修改已保存，并记入历史" + ("；信用额度、账期和银行信息的修改需上级审批后生效"
                                             if signoff.needs_signoff(user) else ""))
            st.rerun()


def active_tab(user, customer: Customer) -> None:
    """停用/启用, with a reason; nothing is deleted."""
    st.caption("停用不会删除任何内容：档案从默认列表隐藏，历史全部保留，可随时重新启用。")
    why = st.text_input("原因 *", key="active_reason")
    if customer.is_active:
        if st.button("停用此档案", key="deactivate"):
            run_write(lambda s: set_customer_active(s, user, customer.id, False, why), "档案已停用")
    elif st.button("重新启用此档案", key="reactivate"):
        run_write(lambda s: set_customer_active(s, user, customer.id, True, why), "档案已重新启用")
