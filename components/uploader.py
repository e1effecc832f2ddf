"""st.file_uploader in Chinese, with our own size limit shown and a wrong kind of file refused in Chinese.

Streamlit 1.67 draws the uploader's texts in its frontend in English ("Upload", "20MB per file • XLSX",
"text/plain files are not allowed"). The static ones are hidden and replaced by CSS (UPLOADER_CSS,
injected once by components.chrome); the limit and kinds of each uploader go in one line of CSS
scoped to its key. ``type=`` is never passed: the frontend's check of it speaks English, so the
kind is checked here instead.
"""
from __future__ import annotations

import re
from pathlib import PurePath
from typing import Sequence

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from domain.formatting import plain

_ZONE = '[data-testid="stFileUploaderDropzone"]'
_HINT = '[data-testid="stFileUploaderDropzoneInstructions"]'
_FAILED = '[data-testid="stFileChip"][aria-invalid="true"] [data-testid="stFileChipName"] + div'
UPLOADER_CSS = f"""
{_ZONE} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p {{ display: none; }}
{_ZONE} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]::after {{ content: "选择文件"; }}
{_HINT} span {{ display: none; }}
{_HINT} > div::after {{ content: "也可以把文件拖到这里"; font-size: 0.875rem; opacity: 0.7; }}
{_ZONE} > div > span:only-child {{ font-size: 0; }}
{_ZONE} > div > span:only-child::after {{ content: "松开鼠标，上传这个文件"; font-size: 1rem; }}
[data-testid="stFileUploader"] [data-has-shortcut] > span:not(:has(*)) {{ display: none; }}
[data-testid="stFileChip"] [role="alert"] {{ display: none; }}
{_FAILED} {{ font-size: 0; }}
{_FAILED}::after {{ content: "未上传"; font-size: 0.75rem; color: #b22222; }}
[role="tooltip"]:has([data-testid="stTooltipErrorContent"]) {{ display: none; }}
"""


def server_limit_mb() -> int:
    """The largest upload the server takes at all (.streamlit/config.toml server.maxUploadSize)."""
    return int(st.get_option("server.maxUploadSize"))


def limit_text(max_mb: int, kinds_text: str) -> str:
    return f"每个文件不超过 {max_mb} MB" + (f" · 支持 {kinds_text}" if kinds_text else "")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _keyed_css(key: str, max_mb: int, kinds_text: str) -> str:
    scope = ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())  # the class Streamlit gives a keyed widget
    return (f"{scope} {_HINT} > div::after {{ content: {_css_string(limit_text(max_mb, kinds_text))}; }}\n"
            f"{scope} {_FAILED}::after {{ content: {_css_string(f'未上传：超过 {max_mb} MB 或上传中断')}; }}")


def kinds_label(kinds: Sequence[str]) -> str:
    return "、".join(f".{kind}" for kind in kinds)


def wrong_kind(name: str, kinds: Sequence[str]) -> str | None:
    """The Chinese refusal for a file whose name does not end in one of ``kinds``, else None."""
    if not kinds or PurePath(name).suffix.lower().lstrip(".") in {k.lower() for k in kinds}:
        return None
    return f"「{name}」不是可接受的文件类型，请选择 {kinds_label(kinds)} 文件"


def file_uploader(label: str, *, key: str, kinds: Sequence[str] = (), kinds_text: str | None = None,
                  max_mb: int | None = None, help: str | None = None) -> UploadedFile | None:
    """One file, or None. A file not ending in one of ``kinds`` is refused here with a Chinese
    message naming it, and None is returned. ``max_mb`` (default: the server's limit) is both
    what is shown and what the browser sends at most; ``kinds_text`` overrides the kinds shown."""
    limit = min(max_mb or server_limit_mb(), server_limit_mb())
    shown_kinds = kinds_label(kinds) if kinds_text is None else kinds_text
    st.html(f"<style>{_keyed_css(key, limit, shown_kinds)}</style>")
    upload = st.file_uploader(label, key=key, max_upload_size=limit, help=help)
    if upload is not None and (problem := wrong_kind(upload.name, kinds)):
        st.error(plain(problem))
        return None
    return upload


def files_uploader(label: str, *, key: str, kinds: Sequence[str] = (), kinds_text: str | None = None,
                   max_mb: int | None = None, help: str | None = None) -> list[UploadedFile]:
    """Several files at once (file_uploader's rules for each): the files of an accepted kind; each
    other one is refused with a Chinese message naming it."""
    limit = min(max_mb or server_limit_mb(), server_limit_mb())
    shown_kinds = kinds_label(kinds) if kinds_text is None else kinds_text
    st.html(f"<style>{_keyed_css(key, limit, shown_kinds)}</style>")
    uploads = st.file_uploader(label, key=key, max_upload_size=limit, help=help, accept_multiple_files=True) or []
    accepted = []
    for upload in uploads:
        if problem := wrong_kind(upload.name, kinds):
            st.error(plain(problem))
        else:
            accepted.append(upload)
    return accepted
