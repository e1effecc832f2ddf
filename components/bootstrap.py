"""Once per server process: upgrade the database, load reference data, and in
demo mode (KEDANG_DEMO=1) the demo team and archives."""
from __future__ import annotations

import os

import streamlit as st

from db.engine import database_url, session_scope
from db.migrate import upgrade
from db.seed import ensure_reference_data, seed_demo


@st.cache_resource(show_spinner="正在准备数据库…")
def _prepare(url: str) -> bool:
    upgrade(url)
    with session_scope(url) as session:
        ensure_reference_data(session)
        if os.environ.get("KEDANG_DEMO") == "1":
            seed_demo(session, customers=int(os.environ.get("KEDANG_DEMO_CUSTOMERS", "300")))
    return True


def ensure_database() -> None:
    _prepare(database_url())
