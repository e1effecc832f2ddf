"""The 导入导出 page's 导入导出记录 tab: past imports with their undo (with a reason), and past exports."""
from __future__ import annotations

import streamlit as st

from components.feedback import flash, refused
from components.import_view import imports_frame
from db.engine import session_scope
from db.exports import list_exports
from db.import_records import list_imports, undo_import, undo_summary
from domain import permissions
from domain.errors import UserFacingError
from domain.formatting import local_time


def records_tab(user) -> None:
    with session_scope() as session:
        batches = list_imports(session, user)
        exports = list_exports(session) if permissions.can_undo_import(user, None) else []
        frame = imports_frame(batches)
    if batches:
        st.dataframe(frame, hide_index=True, width="stretch", key="import_records")
        undoable = [b for b in batches if b.undone_at is None and permissions.can_undo_import(user, b.actor_id)]
        if undoable:
            with st.form("undo_import"):
                chosen = st.selectbox("撤销导入", [b.id for b in undoable],
                                      format_func=lambda i: f"#{i} {next(b.file_name for b in undoable if b.id == i)}")
                reason = st.text_input("撤销原因（必填）")
                if st.form_submit_button("撤销这次导入"):
                    try:
                        with session_scope() as session:
                            counts = undo_import(session, user, chosen, reason)
                    except UserFacingError as exc:
                        refused(exc)
                    else:
                        flash(undo_summary(chosen, counts))
                        st.rerun()
    else:
        st.info("还没有导入记录。")
    if exports:
        st.subheader("导出记录")
        st.dataframe([{"时间": local_time(e.at), "导出人": e.actor.name if e.actor else "系统",
                       "份数": next((c["new"] for c in e.changes if c["field"] == "count"), ""),
                       "条件": e.reason or ""} for e in exports], hide_index=True, width="stretch")
