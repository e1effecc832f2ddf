"""An archive's 文件 tab: attached documents with their versions, preview, download and upload.

Download is export: only who may export the archive (permissions.can_export) gets the button. A
borrower (借阅) or anyone else who may only read sees the preview, never a copy to take away.
"""
from __future__ import annotations

import streamlit as st

from components.feedback import refused
from components.forms import create, form_key
from components.uploader import file_uploader
from db.documents import Versions, read, upload
from db.engine import session_scope
from domain import documents as D
from domain.errors import UserFacingError
from domain.formatting import local_time, plain


def documents_tab(user, customer_id: int, documents: list[Versions], *, can_upload: bool,
                  can_download: bool) -> None:
    st.caption(f"营业执照、合同扫描件、门头和陈列照片等：{D.ALLOWED_TEXT}，每个不超过 {D.MAX_MB} MB。"
               "替换文件时保留旧版本；查看和下载都会记入查阅记录。"
               + ("" if can_download else "您对此档案只有查阅权（如借阅），文件只能在线查看，不能下载。"))
    if can_upload:
        _upload_form(user, customer_id, documents)
    if not documents:
        st.info("还没有附件。")
        return
    for item in documents:
        _document_box(user, item, can_download)


def _upload_form(user, customer_id: int, documents: list[Versions]) -> None:
    """A create form (components/forms.py): uploads once, empty after; a refused file keeps the rest."""
    current = {0: "（新文件）", **{v.current.id: f"替换：{v.current.file_name}" for v in documents}}
    base = f"upload:{customer_id}"
    key = form_key(base)
    with st.expander("上传文件", key=f"upload_open:{customer_id}"), st.form(key, enter_to_submit=False):
        left, right = st.columns(2)
        category = left.selectbox("类别 *", D.CATEGORIES, key=f"{key}:category")
        replaces = right.selectbox("新文件或替换", list(current), format_func=current.get, key=f"{key}:replaces")
        note = st.text_input("说明", max_chars=200, key=f"{key}:note")
        # No kinds here: the server judges the content (domain/documents.py), not the name.
        chosen = file_uploader("选择文件 *", key=f"{key}:file", kinds_text=D.ALLOWED_TEXT, max_mb=D.MAX_MB)
        if st.form_submit_button("上传", type="primary"):
            if chosen is None:
                st.error("请先选择文件")
            else:
                create(base, lambda s: upload(s, user, customer_id, category=category, name=chosen.name,
                                              data=chosen.getvalue(), note=note, replaces_id=replaces or None),
                       f"已上传「{chosen.name}」")


def _document_box(user, item: Versions, can_download: bool) -> None:
    document = item.current
    who = document.uploaded_by.name if document.uploaded_by else "（无）"
    with st.container(border=True):
        kind = D.LABELS.get(document.kind, document.kind)
        st.markdown(f"**{plain(document.file_name)}** · {plain(document.category)} · {kind} · "
                    f"{D.size_text(document.size)} · {plain(who)} 于 {local_time(document.uploaded_at)} 上传"
                    + (f" · 共 {len(item.older) + 1} 个版本" if item.older else ""))
        if document.note:
            st.caption(plain(document.note))
        key = f"doc:{document.id}"
        if st.toggle("预览 / 下载" if can_download else "预览", key=f"{key}:open"):
            _show(user, document.id, key, can_download)
        for number, old in zip(range(len(item.older), 0, -1), item.older):  # newest first: 第 N 版 … 第 1 版
            when = local_time(old.uploaded_at)
            st.caption(f"旧版本：{plain(old.file_name)} · {D.size_text(old.size)} · {when}")
            if st.toggle(f"打开旧版本（第 {number} 版，{when} 上传）", key=f"doc:{old.id}:open"):
                _show(user, old.id, f"doc:{old.id}", can_download)


def _show(user, document_id: int, key: str, can_download: bool) -> None:
    try:
        with session_scope() as session:
            document, data = read(session, user, document_id)
    except UserFacingError as exc:
        refused(exc)
        return
    if document.kind in D.IMAGES:
        st.image(data, caption=document.file_name, width=480)
    elif document.kind == "pdf":
        st.pdf(data, height=600, key=f"{key}:pdf")
    if can_download:
        st.download_button("下载", data, file_name=document.file_name, mime=D.MIME.get(document.kind),
                           key=f"{key}:download")
