"""Create forms that save once and come back empty.

A create form is drawn under ``form_key(key)``, a key that changes after each save, so the next form
the user sees is empty (Streamlit keeps a widget's value for as long as its key lives). A refused save
keeps the key, so everything typed stays with the message beside it (``beside``: a FieldErrors names
each field; the form is drawn again with each message under its box). ``create`` records the form's
token in the same unit of work as what it creates (db/submissions.py): a double click, or a rerun
that arrives after the save but before the form was cleared, creates nothing more.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from components.feedback import flash, refused
from db.engine import session_scope
from db.submissions import claim
from domain.errors import FieldErrors, UserFacingError
from domain.formatting import plain

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


@contextmanager
def create_form(key: str) -> Iterator[str]:
    """``with create_form(key) as k:`` draws form ``key`` under its current key ``k`` (prefix widget keys
    with it), ending with the reasons of a refused save."""
    drawn = form_key(key)
    with st.form(drawn, enter_to_submit=False):
        yield drawn
        unsaved(key)


def errors_of(key: str) -> dict[str, str]:
    """The field → message of form ``key``'s last refused save (empty once it saves)."""
    return st.session_state.get(f"{form_key(key)}:errors", {})


def beside(key: str, field: str) -> None:
    """Under a widget of form ``key``: why its value was refused, if it was."""
    if message := errors_of(key).get(field):
        st.markdown(f":red[⚠ {plain(message)}]")


def unsaved(key: str) -> None:
    """At the end of form ``key``: that it was not saved, and every reason, in one line."""
    if errors := errors_of(key):
        st.error("未保存：" + plain("；".join(errors.values())))


def clear(key: str) -> None:
    """Forget what form ``key`` holds (its widgets, errors and token): the next run draws it empty."""
    old = form_key(key)
    st.session_state[f"{key}:gen"] = st.session_state.get(f"{key}:gen", 0) + 1
    for name in [k for k in st.session_state if isinstance(k, str) and k.startswith(old)]:
        del st.session_state[name]


def create(key: str, write: Callable[[Session], Any], success: str | Callable[[Any], str]) -> bool:
    """Save form ``key`` once: on success (or a repeat of a saved submission) clear it, flash ``success``
    and rerun; on a refusal keep every typed value and show why: field by field (``beside``) for a
    FieldErrors, which draws the form again, else below the form. Returns False when refused."""
    try:
        result = save_once(key, write)
    except FieldErrors as exc:
        st.session_state[f"{form_key(key)}:errors"] = exc.errors
        st.rerun()
    except UserFacingError as exc:
        st.session_state.pop(f"{form_key(key)}:errors", None)
        refused(exc)
        return False
    clear(key)
    if result is ALREADY_SAVED:
        flash("已保存（同一份表单提交了两次，只保存了一次）")
    else:
        flash(success(result) if callable(success) else success)
    st.rerun()
    return True


def money_box(label: str, value: str = "") -> str:
    """A text box for an amount in 元: what is typed reaches domain/normalize.parse_money, which stores
    it to the fen or refuses it beside the box (a number box turned 12.3.4 into 12.34 without a word)."""
    return st.text_input(label, value=value, placeholder="如 12800、12,800.00 或 1.28万")

