"""Read results every session shares: the scans behind the list's 共 N 份, the board, the calendar
and the 驾驶舱 run once per data change, not once per rerun and per session.

Cached across sessions (st.cache_data) and keyed by the user's scope (id, role, supervisor: all
that decides what they may see), the arguments, the team's day and the data version, so a save
shows at once: this process's write counter (db/engine.data_version) and the newest history entry,
which every save in any app process adds. The short TTL is a backstop. Results are plain
dataclasses, never ORM rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from db.audit import newest_entry
from db.engine import data_version, session_scope
from domain.formatting import local_today

CACHE_SECONDS = 60


@dataclass(frozen=True)
class ActorRef:
    """The parts of a user that decide what they may see (hashable, for the cache key)."""

    id: int
    role: str
    supervisor_id: int | None


def actor_ref(user) -> ActorRef:
    return ActorRef(user.id, user.role, user.supervisor_id)


@st.cache_data(ttl=CACHE_SECONDS, max_entries=2000, show_spinner=False)
def _read(_read_fn: Callable[..., Any], name: str, actor: ActorRef, args: tuple, today: dt.date,
          version: tuple[int, int]) -> Any:
    with session_scope(read_only=True) as session:
        return _read_fn(session, actor, *args)


def current_version() -> tuple[int, int]:
    """Changes whenever the data may have: a save here, or a save in another app process."""
    with session_scope(read_only=True) as session:
        return data_version(), newest_entry(session)


def shared(read: Callable[..., Any], user, *args) -> Any:
    """``read(session, user, *args)``, computed once per data change for everyone in the same scope."""
    return _read(read, f"{read.__module__}.{read.__qualname__}", actor_ref(user), args, local_today(),
                 current_version())
