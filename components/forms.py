"""Create forms that save once and come back empty.

A create form is drawn under ``form_key(key)``, a key that changes after each save, so the next form
the user sees is empty (Streamlit keeps a widget's value for as long as its key lives). A refused save
keeps the key, so everything typed stays with the message beside it. ``create`` records the form's
token in the same unit of work as what it creates (db/submissions.py): a double click, or a rerun
that arrives after the save but before the form was cleared, creates nothing more.
"""
from __future__ import annotations

import uuid
from typing import Any, Callable, TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from components.feedback import flash, refused
from db.engine import session_scope
from db.submissions import claim
from domain.errors import UserFacingError

T = TypeVar("T")
ALREADY_SAVED = object()  # what ``save_once`` returns for a submission saved before


def form_key(key: str) -> str:
    """The key to draw form ``key`` under now (and to prefix its widgets' keys with)."""
    return f"{key}#{st.session_state.get(f'{key}:gen', 0)}"


def save_once(key: str, write: Callable[[Session], T]) -> T | Any:
    """Run ``write`` as one unit of work unless this drawn form was saved before (``ALREADY_SAVED``).
    A refusal (UserFacingError) propagates with nothing written."""
    token = st.session_state.setdefault(f"{form_key(key)}:token", uuid.uuid4().hex)
    with session_scope() as session:
        if not claim(session, token):
            return ALREADY_SAVED
        return write(session)


def clear(key: str) -> None:
    """Forget what form ``key`` holds (its widgets, errors and token): the next run draws it empty."""
    old = form_key(key)
    st.session_state[f"{key}:gen"] = st.session_state.get(f"{key}:gen", 0) + 1
    for name in [k for k in st.session_state if isinstance(k, str) and k.startswith(old)]:
        del st.session_state[name]


def create(key: str, write: Callable[[Session], Any], success: str | Callable[[Any], str]) -> bool:
    """Save form ``key`` once: on success (or a repeat of a saved submission) clear it, flash ``success``
    and rerun; on a refusal show it and keep every typed value. Returns False when refused."""
    try:
        result = save_once(key, write)
    except UserFacingError as exc:
        refused(exc)
        return False
    clear(key)
    if result is ALREADY_SAVED:
        flash("已保存（同一份表单提交了两次，只保存了一次）")
    else:
        flash(success(result) if callable(success) else success)
    st.rerun()
    return True
