"""The 驾驶舱's filter row and its URL: the view a session shows, kept in step with the address bar.

The widgets own the filters and write to the URL those that differ from the default view; a URL
that says something else (a bookmark or a link just opened, also when the login's rerun brings it
back) sets the widgets. A URL without parameters says nothing: the sidebar link, or a rerun that
raced the deep link's switch — the session keeps its view, and a fresh one the default view without
touching the URL (a link still on its way must not be overwritten). So does a URL this session wrote
itself earlier: a rerun that left the browser before the latest filter was written brings the old
one back. Taking a URL's filters gives the pickers new keys: a picker the browser already shows
would keep showing its old choice next to the new filter.

Streamlit forgets a widget's value when a run does not draw it (another page was open), so the view
is also kept under a key of its own (``dash_view``) and the pickers are set from it again when the
page is opened again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from domain import dashboard as rules
from domain.fields import CUSTOMER_TYPES, PROVINCES

PICKERS = ("range", "province", "type", "owner", "scheme")


def _seed(gen: int, view: rules.DashboardFilter, schemes: dict[int, str], people: dict[int, str],
          usual: rules.DashboardFilter) -> None:
    """Set the pickers of generation ``gen`` to ``view`` ("" / 0 stand for 全部: a None value would
    show an empty picker)."""
    st.session_state.update({
        f"dash_range:{gen}": (view.start, view.end), f"dash_province:{gen}": view.province or "",
        f"dash_type:{gen}": view.customer_type or "",
        f"dash_owner:{gen}": view.owner_id if view.owner_id in people else 0,
        f"dash_scheme:{gen}": view.scheme_id if view.scheme_id in schemes else usual.scheme_id})


def filter_row(today: dt.date, schemes: dict[int, str], people: dict[int, str]) -> rules.DashboardFilter:
    """Draw the filters (业务员 only when ``people`` is given) and return the view they describe."""
    state = st.session_state
    usual = replace(rules.default_filter(today), scheme_id=next(iter(schemes), None))
    incoming = st.query_params.to_dict()
    written = state.setdefault("dash_written", [])  # the URLs this session wrote
    if "dash_params" not in state or (incoming and incoming != state["dash_params"] and incoming not in written):
        state["dash_params"] = incoming  # at once: a run cut short still took the link
        state["dash_gen"] = state.get("dash_gen", 0) + 1
        state["dash_view"] = rules.from_params(incoming, today)
        _seed(state["dash_gen"], state["dash_view"], schemes, people, usual)
    gen = state["dash_gen"]
    if any(f"dash_{name}:{gen}" not in state for name in PICKERS):  # the page is opened again
        _seed(gen, state.get("dash_view", usual), schemes, people, usual)

    c1, c2, c3, c4, c5 = st.columns([3, 2, 2, 2, 2])
    picked = c1.date_input("日期范围", key=f"dash_range:{gen}", format="YYYY-MM-DD", max_value=today)
    province = c2.selectbox("区域", ["", *PROVINCES], key=f"dash_province:{gen}",
                            format_func=lambda v: v or "全部区域") or None
    ctype = c3.selectbox("客户类型", ["", *CUSTOMER_TYPES], key=f"dash_type:{gen}",
                         format_func=lambda v: v or "全部类型") or None
    scheme_id = c4.selectbox("分类方案", list(schemes), key=f"dash_scheme:{gen}", format_func=schemes.get)
    owner_id = (c5.selectbox("业务员", [0, *people], key=f"dash_owner:{gen}",
                             format_func=lambda v: people.get(v, "全部")) or None) if people else None
    last = state.get("dash_view", usual)
    start, end = rules.picked_range(picked, (last.start, last.end))
    view = rules.DashboardFilter(start=start, end=end, province=province, owner_id=owner_id, customer_type=ctype,
                                 scheme_id=scheme_id)
    state["dash_view"] = view
    wanted = rules.url_params(view, usual)
    state["dash_params"] = wanted
    if wanted != incoming:  # bookmarkable: the URL always describes the view
        state["dash_written"] = [*[w for w in written if w != wanted], wanted][-50:]
        st.query_params.from_dict(wanted)
    return view
