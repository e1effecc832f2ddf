"""A message that survives a page switch (e.g. "已创建档案 …" after saving)."""
from __future__ import annotations

import streamlit as st

_KEY = "kd_flash"


def flash(message: str) -> None:
    st.session_state[_KEY] = message


def show_flash() -> None:
    if message := st.session_state.pop(_KEY, None):
        st.success(message)
