"""档案详情: the card, follow-ups, complaints and discounts, contracts, files, receivables, editing with
a reason, the history, review, 停用/启用, and 个人信息与删除. Each tab's content is a component."""
import streamlit as st

from components.archive_form import archive_form, form_changed, submit_archive
from components.auth import require_user
from components.card import print_button, show_card
from components.complaint_views import complaints_tab
from components.contract_views import contracts_tab
from components.document_views import documents_tab
from components.duplicates import duplicate_warning
from components.feedback import flash, refused, run_write, show_flash
from components.field_widgets import reset_form_state
from components.followup_form import follow_up_form, plan_form
from components.followup_views import follow_up_list, plan_list, status_line
from components.history import show_history
from components.personal_data_views import personal_data_tab
from components.receivable_views import receivables_tab
from components.signoff_views import pending_changes
from db import complaints as complaint_db
from db import contracts as contract_db
from db import documents as document_db
from db import market as market_db
from db.archive_queries import active_schemes, get_customer, owners
from db.archives import (archive_input_from, record_card_export, review_customer, set_customer_active,
                         update_customer)
from db.audit import list_history
from db.engine import session_scope
from db.followup_queries import timeline
from db.pool import release
from db.read_log import record_read
from db.receivables import for_customer
from db.signoff import pending_for
from domain import masking, permissions, review, signoff
from domain.card import card_sections
from domain.completeness import missing_labels
from domain.errors import PermissionDenied, UserFacingError
from domain.formatting import local_time, plain
from domain.matches import NOT_VISIBLE
from domain.workbooks import card_workbook

user = require_user(__file__)
try:
    customer_id = int(st.query_params.get("id", ""))
except ValueError:
    st.error("请从「客户档案」列表中打开一份档案。")
    st.page_link("pages/archives.py", label="返回客户档案列表", icon=":material/folder_shared:")
    st.stop()

try:
    with session_scope() as session:
        customer = get_customer(session, user, customer_id)
        record_read(session, user, customer_id)  # 查阅记录: the card shows phones, bank and tax data
        schemes = active_schemes(session)
        people = owners(session)
        contacts = timeline(session, customer_id)
        owner_supervisor = customer.owner.supervisor_id if customer.owner else None
        waiting = pending_for(session, customer_id)
except UserFacingError as exc:
    refused(exc, customer_id=customer_id if isinstance(exc, PermissionDenied) else None)
    if str(exc) == NOT_VISIBLE:  # a missing id reads as a refused one, link included
        st.page_link("pages/access.py", label="申请借阅这份档案", query_params={"customer": customer_id},
                     icon=":material/key:")
    st.stop()

initial = archive_input_from(customer)
state_label = review.STATE_LABELS[customer.review_state]
st.title(plain(customer.name))
st.caption(f"档案号 {plain(customer.archive_no)} · {state_label} · {'在用' if customer.is_active else '已停用'} · "
           f"负责人 {plain(customer.owner.name) if customer.owner else '（无）'} · 完整度 {customer.completeness}% · "
           f"更新于 {local_time(customer.updated_at)}")
show_flash()  # below the title: a message shown once must not move the title (the browser would show two)
missing = missing_labels(initial.values, contacts=len(initial.contacts), products=len(initial.products))
if missing:
    st.caption("待补充：" + "、".join(missing[:12]) + ("…" if len(missing) > 12 else ""))
status_line(contacts.status)
if not customer.is_active:
    st.warning("此档案已停用：默认列表中不再显示，历史全部保留。")


pending_changes(user, waiting, permissions.can_review(user, customer, owner_supervisor))

# Review (审核)
if customer.review_state == review.RETURNED:
    st.error(f"该档案已被退回，审核意见：{plain(customer.review_comment) or '（无）'}。请在「编辑」中修改后重新提交。")
    if permissions.can_edit(user, customer) and st.button("重新提交审核", key="resubmit"):
        run_write(lambda s: review_customer(s, user, customer_id, review.RESUBMIT), "已重新提交审核")
if customer.review_state == review.PENDING and permissions.can_review(user, customer, owner_supervisor):
    with st.container(border=True):
        st.markdown("**审核**：这份档案等待您审核。")
        comment = st.text_input("审核意见（退回时必填）", key="review_comment")
        approve_col, return_col = st.columns(2)
        if approve_col.button("审核通过，归档", type="primary", key="approve"):
            run_write(lambda s: review_customer(s, user, customer_id, review.APPROVE, comment), "已审核通过并归档")
        if return_col.button("退回修改", key="return"):
            run_write(lambda s: review_customer(s, user, customer_id, review.RETURN, comment), "已退回给负责人")

can_edit = permissions.can_edit(user, customer) and not user.masked  # the form would save the masks back
tab_names = ["资料卡", "跟进", "投诉与折价", "合同", "文件", "应收账款"] + (["编辑"] if can_edit else []) + ["历史"] + (
    ["停用/启用"] if permissions.can_deactivate(user) else []) + (
    ["个人信息与删除"] if permissions.can_handle_personal_data(user) else [])
# Keyed: the open tab stays open across reruns (after a save, a toggle), instead of jumping back to 资料卡.
# on_change="rerun": only the open tab's content runs (``.open``), so an archive with a long history
# opens as fast as a new one. The 编辑 form also runs while it holds unsaved changes, so switching to
# another tab to look something up loses nothing.
tabs = dict(zip(tab_names, st.tabs(tab_names, key=f"archive_tabs:{customer_id}", on_change="rerun")))

def loaded(load):
    """What ``load(session)`` reads: each tab reads its own rows, and only when it is open."""
    with session_scope() as session:
        return load(session)


def record_export() -> None:
    with session_scope() as s:
        record_card_export(s, user, customer_id)


if tabs["资料卡"].open:
    with tabs["资料卡"]:
        header = {"档案号": customer.archive_no, "审核状态": state_label,
                  "负责人": customer.owner.name if customer.owner else "", "建档日期": local_time(customer.created_at)[:10]}
        values, people_rows = initial.values, initial.contacts
        if user.masked:
            st.caption(masking.NOTICE)
            values, people_rows = masking.mask_values(values), masking.mask_contacts(people_rows)
        sides = card_sections(header, values, people_rows, initial.products, initial.competitors,
                              initial.sales, initial.sales_year)
        if permissions.can_export(user, customer):
            left, right = st.columns([1, 4])
            with left:
                print_button()
            right.download_button("下载资料卡（.xlsx）", lambda: card_workbook(customer.name, sides),  # built on click
                                  file_name=f"{customer.archive_no}_{customer.name}_资料卡.xlsx",
                                  mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                  on_click=record_export)
        show_card(customer.name, sides)
        if market := loaded(lambda s: market_db.for_customer(s, user, customer)):
            st.subheader("市场动态（竞品）")
            for note in market:
                price = f" {note.price:,.2f} 元" if note.price is not None else ""
                where = "本客户" if note.customer_id == customer_id else f"{note.city or note.province or ''}"
                st.caption(plain(f"{note.day} · {where} · {note.competitor} {note.product or ''}{price} · "
                                 f"{note.topic}：{note.content}"))

if tabs["跟进"].open:
    with tabs["跟进"]:
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

if tabs["投诉与折价"].open:
    with tabs["投诉与折价"]:
        complaints, visits_done, discounts, staff = loaded(lambda s: complaint_db.customer_tab(s, customer_id))
        complaints_tab(user, customer, complaints, discounts, staff, visits_done,
                       can_log=permissions.can_follow_up(user, customer) and customer.is_active)

if tabs["合同"].open:
    with tabs["合同"]:
        contracts_tab(user, customer_id, loaded(lambda s: contract_db.for_customer(s, customer_id)), can_edit)

if tabs["文件"].open:
    with tabs["文件"]:
        documents_tab(user, customer_id, loaded(lambda s: document_db.for_customer(s, customer_id)),
                      can_upload=permissions.can_follow_up(user, customer),
                      can_download=permissions.can_export(user, customer))

if tabs["应收账款"].open:
    with tabs["应收账款"]:
        receivables_tab(user, customer_id, customer.credit_days, loaded(lambda s: for_customer(s, customer_id)),
                        can_edit)

edit_key = f"edit:{customer_id}"
if can_edit and (tabs["编辑"].open or form_changed(edit_key, initial)):
    with tabs["编辑"]:
        key = edit_key
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
                s, user, customer_id, data, reason=reason, expected_version=base_version,
                confirm_duplicates=confirmed))
            if saved is not None:
                reset_form_state(f"{key}:")
                flash("修改已保存，并记入历史" + ("；信用额度、账期和银行信息的修改需上级审批后生效"
                                                 if signoff.needs_signoff(user) else ""))
                st.rerun()
elif can_edit:
    reset_form_state(f"{edit_key}:")  # opened and left unchanged: the next opening shows the archive as it is then

if tabs["历史"].open:
    with tabs["历史"]:
        show_history(loaded(lambda s: list_history(s, entity="customer", entity_id=customer_id)))

if "停用/启用" in tabs and tabs["停用/启用"].open:
    with tabs["停用/启用"]:
        st.caption("停用不会删除任何内容：档案从默认列表隐藏，历史全部保留，可随时重新启用。")
        why = st.text_input("原因 *", key="active_reason")
        if customer.is_active:
            if st.button("停用此档案", key="deactivate"):
                run_write(lambda s: set_customer_active(s, user, customer_id, False, why), "档案已停用")
        elif st.button("重新启用此档案", key="reactivate"):
            run_write(lambda s: set_customer_active(s, user, customer_id, True, why), "档案已重新启用")

if "个人信息与删除" in tabs and tabs["个人信息与删除"].open:
    with tabs["个人信息与删除"]:
        personal_data_tab(user, customer_id, customer.archive_no, list(customer.contacts))
