"""The possible-duplicate warning shown before a save is confirmed."""
from __future__ import annotations

import streamlit as st

from components.auth import CurrentUser
from domain.formatting import plain
from domain.masking import mask_phone


def duplicate_warning(user: CurrentUser, duplicates: list[dict], key: str) -> bool:
    """Show the possible duplicates (db/duplicates.describe): an archive the user may see with its link,
    any other only by what matched and whom to ask. True when the user confirms saving anyway."""
    st.warning("发现可能重复的档案（名称、电话或税号相同）。请先核对，确认不是同一客户后再保存。")
    for dup in duplicates:
        if dup["hidden"]:
            st.markdown(f"- {plain(dup['note'])}")
            st.page_link("pages/access.py", label="申请借阅这份档案", query_params={"customer": dup["id"]},
                         icon=":material/key:")
            continue
        phone = (mask_phone(dup["phone"]) if user.masked else dup["phone"]) or "—"
        same = "、".join(dup.get("matched", [])) or "名称、电话或税号"
        text = plain(f"{dup['archive_no']} · {dup['name']} · 电话 {phone} · 负责人 {dup['owner']} · {same}相同")
        if not dup["active"]:
            text += " · 已停用"
        st.page_link("pages/archive.py", label=f"打开 {text}", query_params={"id": dup["id"]}, icon=":material/link:")
    confirmed = st.checkbox("我已核对，这是不同的客户，仍要保存", key=f"{key}:dup_ok")
    return st.button("确认保存", key=f"{key}:dup_save", type="primary", disabled=not confirmed)
