"""Once per server process: upgrade the database, load reference data, and in
demo mode (KEDANG_DEMO=1) the demo team and archives. Once per process and day: the
公海 sweep, unless a scheduled ``manage.py pool-sweep`` (or another process) already ran it."""
from __future__ import annotations

import datetime as dt
import os

import streamlit as st

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
