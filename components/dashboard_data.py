"""Loading the 驾驶舱's numbers through one shared cache.

Every aggregate is cached across sessions (st.cache_data) keyed by the user's scope, the filter,
the day and the data version (components/shared_reads.current_version), so numbers are computed
once per change and a save, in this or another app process, shows within a second or two.

After a save the whole dashboard takes over a second to recompute at 100k customers, so a session
that has already drawn the figures keeps them (marked 正在更新) while a background thread computes
the new ones; the page polls each second until ``refreshing()`` is over. A first view computes in
the foreground: there is nothing older to show.
"""
from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from components.shared_reads import CACHE_SECONDS, ActorRef, actor_ref, current_version
from db import dashboard_activity as activity
from db import dashboard_customers as customers
from db.archive_queries import CustomerFilter
from db.complaints import summary as complaint_summary
from db.engine import session_scope
from db.movements import movement_flows
from db.receivables import aging
from domain.dashboard import DashboardFilter
from domain.periods import WEEK


def _movements(session, actor, flt: DashboardFilter, today: dt.date):
    if flt.scheme_id is None:
        return []
    return movement_flows(session, actor, flt.scheme_id, CustomerFilter(province=flt.province,
                                                                         customer_type=flt.customer_type,
                                                                         owner_id=flt.owner_id),
                          since=flt.start, period=WEEK)


QUERIES: dict[str, Callable[..., Any]] = {
    "headline": customers.headline,
    "movements": _movements,
    # The weekly and monthly charts end at the filter's last day (today at the latest).
    "follow_ups": lambda s, actor, flt, today: activity.follow_ups_per_week(s, actor, flt, min(flt.end, today)),
    "visits": lambda s, actor, flt, today: activity.visits_per_week(s, actor, flt, min(flt.end, today)),
    "credit": lambda s, actor, flt, today: activity.credit_usage(s, actor, flt),
    "aging": lambda s, actor, flt, today: aging(s, actor, today, where=customers.scope(actor, flt)),
    "quality": customers.completeness_and_staleness,
    "new_archives": lambda s, actor, flt, today: customers.new_archives_by_month(
        s, actor, flt, (min(flt.end, today).replace(day=1) - dt.timedelta(days=335)).replace(day=1)),
    "sales": lambda s, actor, flt, today: activity.sales_by_product(s, actor, flt, today.year),
    "investment": lambda s, actor, flt, today: activity.investment_vs_volume(s, actor, flt, today.year),
    "complaints": lambda s, actor, flt, today: complaint_summary(s, actor, today, where=customers.scope(actor, flt)),
}


@st.cache_data(ttl=CACHE_SECONDS, max_entries=2000, show_spinner=False)
def _load(name: str, actor: ActorRef, flt: DashboardFilter, today: dt.date, version: tuple[int, int],
          extra: tuple) -> Any:
    with session_scope(read_only=True) as session:
        if name == "by":
            dimension, stack, overdue = extra
            return customers.customers_by(session, actor, flt, dimension, stack_by_owner=stack,
                                          overdue_on=today if overdue else None)
        if name == "drill":
            dimension, value, overdue = extra
            return customers.drill_down(session, actor, flt, dimension, value, overdue_on=today if overdue else None)
        return QUERIES[name](session, actor, flt, today)


# Process-wide, like the cache it fills; it holds only the work in flight, never what a session shows.
_REFRESHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kd-dashboard")  # one core stays for the users
SHOWN_KEY, DRAWN_KEY = "dash_shown", "dash_drawn"
SHOWN_LIMIT = 300  # aggregates a session remembers (about 20 per view: the last dozen or so views)


@dataclass
class _Shown:
    """An aggregate this session has drawn, and the refresh of it under way."""
    version: tuple[int, int]
    at: float
    value: Any
    refresh: Future | None = None
    refresh_version: tuple[int, int] | None = None


def load(name: str, user, flt: DashboardFilter, today: dt.date, *extra) -> Any:
    """One aggregate for ``user``: from the shared cache, or — when the data changed since this session
    last drew it, or the cache's minute has passed — the previous figure while a fresh one is computed."""
    args = (name, actor_ref(user), flt, today)
    version = current_version()
    shown: dict[tuple, _Shown] = st.session_state.setdefault(SHOWN_KEY, {})
    last = shown.get((*args, extra))
    if last is not None and (last.version != version or time.monotonic() - last.at > CACHE_SECONDS):
        if last.refresh is None or last.refresh_version != version:
            if last.refresh is not None:
                last.refresh.cancel()  # a recount of older data that has not started is no longer wanted
            last.refresh, last.refresh_version = _REFRESHER.submit(_load, *args, version, extra), version
        if not last.refresh.done():
            return last.value
    value = _load(*args, version, extra)  # a refresh just done left it in the cache
    shown.pop((*args, extra), None)
    shown[(*args, extra)] = _Shown(version, time.monotonic(), value)
    while len(shown) > SHOWN_LIMIT:
        del shown[next(iter(shown))]  # the least recently drawn
    return value


def refreshing() -> bool:
    """Whether some figure on this session's dashboard is older than the data and being recomputed."""
    return any(s.refresh is not None and not s.refresh.done() and s.refresh_version != s.version
               for s in st.session_state.get(SHOWN_KEY, {}).values())


def behind() -> bool:
    """Whether the dashboard this session drew last is older than the data: being recounted, or a
    save came since (checked before drawing, so the page can poll from its first run)."""
    drawn = st.session_state.get(DRAWN_KEY)
    return refreshing() or (drawn is not None and drawn != current_version())


def drawn_at(version: tuple[int, int]) -> None:
    """The dashboard now on screen is up to date with ``version``."""
    st.session_state[DRAWN_KEY] = version
