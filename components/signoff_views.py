"""Sensitive changes waiting for sign-off: the banner on the archive, the supervisor's decision."""
from __future__ import annotations

import streamlit as st

from components.feedback import decision
from db.models_access import PendingChange
from db.signoff import decide_change
from domain.formatting import local_time, plain
from domain.signoff import describe


def pending_changes(user, pending: list[PendingChange], may_decide: bool, *, title: str = "") -> None:
    """One box per waiting change; the owner's supervisor approves or refuses it there."""
    for change in pending:
        who = change.requested_by.name if change.requested_by else "（已删除）"
        with st.container(border=True):
            st.markdown(f":orange[**待上级审批的修改**]{title} · "
                        f"{plain(who)} 于 {local_time(change.requested_at)} 提交")
            st.markdown(plain(describe(change.changes)))
            st.caption(f"修改原因：{plain(change.reason) or '（无）'} · 审批通过前，档案仍显示原来的值。")
            if may_decide and change.requested_by_id != user.id:
                decision(f"signoff:{change.id}",
                         lambda s, ok, comment, c=change.id: decide_change(s, user, c, ok, comment),
                         approved="已同意，修改已生效", refused_message="已拒绝这条修改", approve_label="同意修改")
