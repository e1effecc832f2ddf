"""档案录入: file a new customer archive, the whole paper card."""
import streamlit as st

from components.archive_form import archive_form, submit_archive
from components.auth import require_user
from components.duplicates import duplicate_warning
from components.feedback import flash
from components.field_widgets import reset_form_state
from db.archive_queries import active_schemes, owners
from db.archives import ArchiveInput, create_customer
from db.engine import session_scope
from domain import permissions

user = require_user(__file__)
KEY = "new"
st.title("档案录入")
st.caption("带 * 的为必填项。提交后由您的上级审核，审核通过即归档。" if not permissions.files_directly(user)
           else "带 * 的为必填项。您新建的档案直接归档。")

with session_scope() as session:
    schemes = active_schemes(session)
    people = owners(session)
data = archive_form(KEY, ArchiveInput(values={}), schemes=schemes, owners=people,
                    can_assign_owner=permissions.can_assign_owner(user),
                    errors=st.session_state.get(f"{KEY}:errors", {}))

confirmed = False
if duplicates := st.session_state.get(f"{KEY}:dups"):
    confirmed = duplicate_warning(user, duplicates, KEY)
if st.button("保存档案", type="primary", key=f"{KEY}:save") or confirmed:
    saved = submit_archive(KEY, lambda s: create_customer(s, user, data, confirm_duplicates=confirmed))
    if saved is not None:
        reset_form_state(f"{KEY}:")
        flash(f"已创建档案 {saved.archive_no}")
        st.switch_page("pages/archive.py", query_params={"id": saved.id})
