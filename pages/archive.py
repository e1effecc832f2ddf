"""档案详情: the card, follow-ups, complaints and discounts, contracts, files, receivables, editing with
a reason, the history, review, 停用/启用, and 个人信息与删除. Each tab's content is a component."""
import streamlit as st

from components.archive_tabs import active_tab, archive_header, card_tab, edit_tab, follow_up_tab, review_box
from components.auth import require_user
from components.complaint_views import complaints_tab
from components.contract_views import contracts_tab
from components.document_views import documents_tab
from components.feedback import refused
from components.history import show_history
from components.personal_data_views import personal_data_tab
from components.receivable_views import receivables_tab
from components.signoff_views import pending_changes
from db import complaints as complaint_db
from db import contracts as contract_db
from db import documents as document_db
from db.archive_queries import active_schemes, get_customer, owners
from db.archives import archive_input_from
from db.audit import list_history
from db.engine import session_scope
from db.followup_queries import timeline
from db.read_log import record_read
from db.receivables import for_customer
from db.signoff import pending_for
from domain import permissions
from domain.errors import PermissionDenied, UserFacingError
from domain.matches import NOT_VISIBLE

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
archive_header(customer, initial, contacts)

pending_changes(user, waiting, permissions.can_review(user, customer, owner_supervisor))

review_box(user, customer, owner_supervisor)

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


if tabs["资料卡"].open:
    with tabs["资料卡"]:
        card_tab(user, customer, initial)

if tabs["跟进"].open:
    with tabs["跟进"]:
        follow_up_tab(user, customer, schemes, people, contacts)

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

if can_edit:
    with tabs["编辑"]:
        edit_tab(user, customer, initial, schemes, people, is_open=tabs["编辑"].open)

if tabs["历史"].open:
    with tabs["历史"]:
        show_history(loaded(lambda s: list_history(s, entity="customer", entity_id=customer_id)))

if "停用/启用" in tabs and tabs["停用/启用"].open:
    with tabs["停用/启用"]:
        active_tab(user, customer)

if "个人信息与删除" in tabs and tabs["个人信息与删除"].open:
    with tabs["个人信息与删除"]:
        personal_data_tab(user, customer_id, customer.archive_no, list(customer.contacts))
