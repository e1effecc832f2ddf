"""Running a write for a button, showing a refusal (and logging a permission refusal), and
messages that survive a page switch."""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

import streamlit as st
from sqlalchemy.orm import Session

from components.auth import SESSION_KEY
from db.access import log_refusal
from db.engine import session_scope
from domain.errors import PermissionDenied, UserFacingError
from domain.formatting import plain

_KEY = "kd_flash"


def flash(message: str) -> None:
    st.session_state[_KEY] = message


def show_flash() -> None:
    if message := st.session_state.pop(_KEY, None):
        st.success(plain(message))


def run_write(write: Callable[[Session], Any], success: str) -> None:
    """Run ``write`` in one transaction; show its Chinese refusal, or rerun with ``success``."""
    try:
        with session_scope() as session:
            write(session)
    except UserFacingError as exc:
        refused(exc)
    else:
        flash(success)
        st.rerun()


def refused(exc: UserFacingError, *, customer_id: int | None = None) -> None:
    """Show a refusal in Chinese; a permission refusal is also kept in the 查阅记录 log."""
    st.error(plain(exc))
    if isinstance(exc, PermissionDenied):
        user_id = (st.session_state.get(SESSION_KEY) or {}).get("user_id")
        page = urlsplit(st.context.url or "").path.strip("/") or None
        with session_scope() as session:  # its own transaction: the refused one has rolled back
            log_refusal(session, user_id, str(exc), customer_id=customer_id, page=page)


def decision(key: str, decide: Callable[[Session, bool, str], Any], *, approved: str, refused_message: str,
             approve_label: str = "同意") -> None:
    """An approve / refuse pair with a comment (the rule behind ``decide`` requires it to refuse)."""
    comment = st.text_input("审批意见（拒绝时必填）", key=f"{key}:comment")
    yes, no, _ = st.columns([1, 1, 4])
    if yes.button(approve_label, type="primary", key=f"{key}:yes"):
        run_write(lambda s: decide(s, True, comment), approved)
    if no.button("拒绝", key=f"{key}:no"):
        run_write(lambda s: decide(s, False, comment), refused_message)
