"""The 驾驶舱's filter row and its URL: the view a session shows, kept in step with the address bar.

The widgets own the filters and write to the URL those that differ from the default view; a URL
that says something else (a bookmark or a link just opened, also when the login's rerun brings it
back) sets the widgets. A URL without parameters says nothing: the sidebar link, or a rerun that
raced the deep link's switch — the session keeps its view, and a fresh one the default view without
touching the URL (a link still on its way must not be overwritten). So does a URL this session wrote
itself earlier: a rerun that left the browser before the latest filter was written brings the old
one back. Taking a URL's filters gives the pickers new keys: a picker the browser already shows
would keep showing its old choice next to the new filter.

The view is kept under a key of its own (``dash_view``) and is the pickers' default, never written
into their session_state keys: a value set through session_state reaches the browser only in that
one run, and a picker the browser draws anew in a later run (after a login, the cookie component's
rerun moves the page) showed 全部区域 and sent it back. Streamlit forgets a widget's value when a run
does not draw it (another page was open); the default brings the view back then too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from domain import dashboard as rules
from domain.fields import CUSTOMER_TYPES, PROVINCES


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
    gen = state["dash_gen"]
    last = state.get("dash_view", usual)

    def at(options: list, value):  # the picker's default: the view's value ("" / 0 stand for 全部)
        return options.index(value) if value in options else 0 if options else None

    provinces, types, scheme_ids, owner_ids = ["", *PROVINCES], ["", *CUSTOMER_TYPES], list(schemes), [0, *people]
    c1, c2, c3, c4, c5 = st.columns([3, 2, 2, 2, 2])
    picked = c1.date_input("日期范围", value=(last.start, last.end), key=f"dash_range:{gen}", format="YYYY-MM-DD",
                           max_value=today)
    province = c2.selectbox("区域", provinces, index=at(provinces, last.province or ""), key=f"dash_province:{gen}",
                            format_func=lambda v: v or "全部区域") or None
    ctype = c3.selectbox("客户类型", types, index=at(types, last.customer_type or ""), key=f"dash_type:{gen}",
                         format_func=lambda v: v or "全部类型") or None
    scheme_id = c4.selectbox("分类方案", scheme_ids, index=at(scheme_ids, last.scheme_id if last.scheme_id in schemes
                                                              else usual.scheme_id),
                             key=f"dash_scheme:{gen}", format_func=schemes.get)
    owner_id = (c5.selectbox("业务员", owner_ids, index=at(owner_ids, last.owner_id or 0), key=f"dash_owner:{gen}",
                             format_func=lambda v: people.get(v, "全部")) or None) if people else None
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
