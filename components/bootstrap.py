"""Once per server process: upgrade the database, load reference data, and in
demo mode (KEDANG_DEMO=1) the demo team and archives. Once per process and day: the
公海 sweep, unless a scheduled ``manage.py pool-sweep`` (or another process) already ran it."""
from __future__ import annotations

import datetime as dt
import os
from typing import NoReturn
from urllib.parse import urlsplit

import streamlit as st

from components.chrome import apply_page_chrome
from components.errors import log_error
from db.engine import database_url, retrying, session_scope
from db.migrate import DatabaseTooNew, one_at_a_time, upgrade
from db.pool import sweep_if_due
from db.seed import ensure_reference_data, seed_demo
from domain.formatting import local_today


@st.cache_resource(show_spinner="正在准备数据库…")
def _prepare(url: str) -> bool:
    with one_at_a_time(url):
        upgrade(url)
        with session_scope(url) as session:
            ensure_reference_data(session)
            if os.environ.get("KEDANG_DEMO") == "1":
                seed_demo(session, customers=int(os.environ.get("KEDANG_DEMO_CUSTOMERS", "300")))
    return True


@st.cache_resource(show_spinner=False)
def _daily_sweep(url: str, day: str) -> bool:
    retrying(lambda session: sweep_if_due(session, dt.date.fromisoformat(day)), url=url)
    return True


def ensure_database() -> None:
    url = database_url()
    try:
        _prepare(url)
    except DatabaseTooNew as exc:  # never run old code on a newer schema
        st.error(str(exc))
        st.stop()
    _daily_sweep(url, local_today().isoformat())


def database_unreachable(exc: BaseException) -> NoReturn:
    """The page when the database cannot be reached: what happened, that nothing was lost, and an
    error id for the administrator (the details go to the error log)."""
    apply_page_chrome()
    error_id = log_error(exc, user="未登录", page=urlsplit(st.context.url or "").path.strip("/") or "home")
    st.error(f"暂时连接不上数据库，页面无法打开（错误编号 {error_id}）。已保存的数据不受影响；"
             "请稍后刷新重试，如果一直如此，请把错误编号告诉系统管理员。")
    st.stop()
