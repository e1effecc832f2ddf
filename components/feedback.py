"""Running a write for a button, and messages that survive a page switch."""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st
from sqlalchemy.orm import Session

from db.engine import session_scope
from domain.errors import UserFacingError

_KEY = "kd_flash"


def flash(message: str) -> None:
    st.session_state[_KEY] = message


def show_flash() -> None:
    if message := st.session_state.pop(_KEY, None):
        st.success(message)


def run_write(write: Callable[[Session], Any], success: str) -> None:
    """Run ``write`` in one transaction; show its Chinese refusal, or rerun with ``success``."""
    try:
        with session_scope() as session:
            write(session)
    except UserFacingError as exc:
        st.error(str(exc))
    else:
        flash(success)
        st.rerun()
