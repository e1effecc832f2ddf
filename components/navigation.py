"""The sidebar, built from the page table (domain/page_table.py) for the user's role.

Every page is registered, so its address always reaches its own guard (components/auth.require_user):
a page the role may not open is hidden from the sidebar and answers 「您的角色无权打开此页面」 in
Chinese, never Streamlit's English "Page not found"."""
from __future__ import annotations

import streamlit as st

from components.auth import CurrentUser
from domain.page_table import DEFAULT, PAGES


def pages_for(user: CurrentUser) -> dict[str, list[st.Page]]:
    sections: dict[str, list[st.Page]] = {}
    hidden: list[st.Page] = []
    for spec in PAGES:
        shown = spec.in_sidebar and spec.may_open(user)
        page = st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                       default=spec is DEFAULT, visibility="visible" if shown else "hidden")
        (sections.setdefault(spec.section, []) if shown else hidden).append(page)
    next(iter(sections.values())).extend(hidden)  # no section header for a role that sees none of its pages
    return sections
