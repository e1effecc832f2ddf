"""The login gate every page calls first: ``user = require_user(roles=...)``.

streamlit-authenticator keeps the re-login cookie; the security rules are ours
(read in its 0.4.2 source: it does not count wrong passwords, trusts any cookie
whose username exists and never invalidates a cookie on logout):
- wrong passwords are counted per typed username in the database; five in a
  row lock for 15 minutes, with the same message for unknown users;
- each user has a session epoch (db/users.py); logout, password reset and
  disable move it, which ends every live session and cookie issued before;
- an idle session expires (KEDANG_IDLE_HOURS, default 8);
- the cookie key is random, generated at first start and kept in the database.
We draw the login form ourselves because the library's form cannot tell us which
username failed, and failures are what the lockout counts.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import time
from dataclasses import dataclass
from typing import Callable

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.exc import DBAPIError
from streamlit_authenticator.utilities import LoginError

from components.bootstrap import database_unreachable, ensure_database
from components.chrome import apply_page_chrome
from db import users as user_db
from db.access import is_masked, log_refusal
from db.engine import session_scope
from domain import auth_rules
from domain.page_table import spec_of
from domain.roles import ROLE_LABELS

COOKIE_NAME = "kedang_auth"
SESSION_KEY = "kd_auth"
NOTICE_KEY = "kd_auth_notice"
DELETE_COOKIE_KEY = "kd_delete_cookie"
SET_COOKIE_KEY = "kd_set_cookie"
RETURN_KEY = "kd_return_to"
MAIN_SCRIPT = "app.py"


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user, detached from any database session."""

    id: int
    username: str
    name: str
    role: str
    supervisor_id: int | None
    masked: bool = False  # phone and bank numbers shown masked (domain/masking.py)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


def idle_hours() -> float:
    return float(os.environ.get("KEDANG_IDLE_HOURS", auth_rules.DEFAULT_IDLE_HOURS))


def _authenticator() -> stauth.Authenticate:
    with session_scope() as session:
        credentials = user_db.login_credentials(session)
        cookie_key = user_db.get_or_create_secret(session, "cookie_key")
    return stauth.Authenticate(credentials, cookie_name=COOKIE_NAME, cookie_key=cookie_key,
                               cookie_expiry_days=idle_hours() / 24, auto_hash=False, login_sleep_time=0)


def _start_session(user_id: int, login_at: float) -> None:
    st.session_state[SESSION_KEY] = {"user_id": user_id, "login_at": login_at, "last_seen": time.time()}


def _end_session(message: str | None) -> None:
    st.session_state.pop(SESSION_KEY, None)
    for key in ("authentication_status", "username", "name", "email", "roles"):
        st.session_state[key] = None
    st.session_state["logout"] = True  # the library then ignores the (dead) cookie in this browser tab
    if message:
        st.session_state[NOTICE_KEY] = message


def _set_cookie(authenticator: stauth.Authenticate) -> None:
    """Write the re-login cookie, expiring ``idle_hours()`` from now in any time zone.

    The library's own ``set_cookie`` sends the expiry as the server's clock time without a zone
    ('2026-12-05T06:35'), which the browser reads as its own local time: on China time (UTC+8)
    and a server on UTC, an 8-hour cookie had expired on arrival and F5 logged everyone out.
    Here the expiry carries its zone, and Max-Age (which browsers prefer) is relative anyway."""
    model = authenticator.cookie_controller.cookie_model
    model.exp_date = model._set_exp_date()  # the token's own expiry: an epoch timestamp, zone-free
    lifetime = dt.timedelta(hours=idle_hours())
    model.cookie_manager.set(model.cookie_name, model._token_encode(),
                             expires_at=dt.datetime.now(dt.timezone.utc) + lifetime,
                             max_age=lifetime.total_seconds())


def _login_from_cookie(authenticator: stauth.Authenticate) -> None:
    """Re-login from the library's cookie; its issue time is checked against the user's epoch."""
    try:
        authenticator.login(location="unrendered")
    except LoginError:  # username no longer among active users
        return
    except jwt.PyJWTError:  # a forged token the library does not catch (e.g. alg "none"): no login
        return
    if not st.session_state.get("authentication_status"):
        return
    with session_scope() as session:
        user = user_db.get_user_by_username(session, st.session_state["username"])
        cookie_key = user_db.get_or_create_secret(session, "cookie_key")
    try:
        token = jwt.decode(st.context.cookies[COOKIE_NAME], cookie_key, algorithms=["HS256"])
    except (KeyError, jwt.PyJWTError):
        token = None
    if user is None or token is None:
        _end_session(None)
        return
    # The library's token carries only its expiry; it was issued one cookie lifetime earlier.
    _start_session(user.id, float(token["exp_date"]) - idle_hours() * 3600)


def _login_form(authenticator: stauth.Authenticate) -> int | None:
    """Our Chinese login form; returns the user id on success and hands the user to the library,
    which sets the re-login cookie."""
    st.title("客档 KeDang")
    st.caption("客户档案管理系统 · 请登录")
    if notice := st.session_state.get(NOTICE_KEY):  # kept until the next login: the cookie component reruns
        st.warning(notice)
    if st.session_state.pop(DELETE_COOKIE_KEY, False):
        # Drawn on the login page, which stays on screen, so the browser runs it. The cookie
        # is already dead (session epoch); this only tidies the browser.
        authenticator.cookie_controller.delete_cookie()
    with st.form("login", clear_on_submit=False):
        username = st.text_input("用户名", key="login_username", autocomplete="username")
        password = st.text_input("密码", type="password", key="login_password", autocomplete="current-password")
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        return None
    with session_scope() as session:
        user = user_db.authenticate(session, username, password)
        locked = user is None and user_db.is_locked(session, username)
        user_id = user.id if user else None
    if user_id is None:
        st.error(auth_rules.LOCKED if locked else auth_rules.LOGIN_FAILED)
        return None
    authenticator.authentication_controller.login(username.strip(), password)
    st.session_state["logout"] = False
    return user_id


def current_user(*, active: bool = True) -> CurrentUser | None:
    """The user of this browser session if the session is still valid, else None.

    ``active=False`` for a look the user did not ask for (a live figure's timed refresh): it does not
    count as activity, so an open 驾驶舱 still times out when nobody uses it."""
    auth = st.session_state.get(SESSION_KEY)
    if not auth:
        return None
    with session_scope() as session:
        user = user_db.get_user(session, auth["user_id"])
        problem = auth_rules.SESSION_ENDED if user is None else auth_rules.session_problem(
            login_at=auth["login_at"], last_seen=auth["last_seen"], now=time.time(),
            session_epoch=user.session_epoch, active=user.is_active, idle_hours=idle_hours())
        if problem:
            if user is not None and not user.is_active:  # a disabled user's old browser: logged
                log_refusal(session, user.id, "已停用的用户使用旧的登录继续操作，已强制退出")
            _end_session(problem)
            return None
        if active:
            auth["last_seen"] = time.time()
        return CurrentUser(user.id, user.username, user.name, user.role, user.supervisor_id,
                           masked=is_masked(session, user))


def _sign_in(*, entry: bool) -> CurrentUser:
    """Log in from the cookie or the form; stops the run while nobody is logged in."""
    authenticator = _authenticator()
    if not st.session_state.get("logout"):
        _login_from_cookie(authenticator)
        if user := current_user():
            return user
    box = st.empty()  # the form goes away once the user is in
    with box.container():
        user_id = _login_form(authenticator)
    if user_id is None:
        st.stop()
    box.empty()
    st.session_state.pop(NOTICE_KEY, None)
    _start_session(user_id, time.time())
    if entry:
        # Outside the emptied box: the library's cookie component must stay on the page to run.
        _set_cookie(authenticator)
    else:
        st.session_state[SET_COOKIE_KEY] = True  # set by app.py's run, which stays on screen
    user = current_user()
    assert user is not None
    return user


def _go_through_app(page_file: str | None) -> None:
    """A freshly started server runs a deep-linked page without app.py (see STYLE.md), so
    the user would get no navigation: run app.py now and let it return to this page.

    The page is named by its file, not by st.context.url: Streamlit trims the page from that URL
    by a bare suffix match, so /dashboard read as /dash/dashboard (pages/board.py ends it) and
    the login landed on 今日待办."""
    url_path = spec_of(page_file).url_path if page_file else ""
    st.session_state[RETURN_KEY] = {"url_path": url_path, "query": st.query_params.to_dict()}
    st.switch_page(MAIN_SCRIPT)


def require_user(page_file: str | None = None, *, entry: bool = False) -> CurrentUser:
    """Stop the page unless a valid user is logged in who may open it (domain/page_table.py).

    Pages call ``require_user(__file__)`` as their first statement; ``entry=True`` only in app.py.
    """
    try:
        ensure_database()
        user = current_user()
    except DBAPIError as exc:  # the database is down or unreachable: say so in Chinese, never a traceback
        database_unreachable(exc)
    if entry or user is None:  # once a run: app.py's call, or a page a fresh server runs without app.py
        apply_page_chrome()
    if user is None:
        user = _sign_in(entry=entry)
        if not entry:
            _go_through_app(page_file)
    if entry and RETURN_KEY not in st.session_state and st.session_state.pop(SET_COOKIE_KEY, False):
        # Not in a run that is about to switch pages: the cookie component must reach the browser.
        _set_cookie(_authenticator())
    if page_file and not spec_of(page_file).may_open(user):
        st.error("您的角色无权打开此页面。")
        st.stop()
    return user


def live_fragment(run_every: float | None) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """``st.fragment(run_every=...)`` that checks the session first, as every full run does in
    require_user: a fragment's timed rerun runs only the fragment. Once the session is void (logged out
    elsewhere, disabled, password reset, idle) the whole app runs again, which shows the login form,
    instead of drawing fresh figures for nobody."""
    def decorate(draw: Callable[[], None]) -> Callable[[], None]:
        @st.fragment(run_every=run_every)
        @functools.wraps(draw)
        def guarded() -> None:
            if current_user(active=False) is None:
                st.rerun(scope="app")
            draw()
        return guarded
    return decorate


def return_to_deep_link(pages: list[st.Page]) -> None:
    """In app.py, after a login that began on a deep link: go back to that page if allowed."""
    target = st.session_state.pop(RETURN_KEY, None)
    if not target or not target["url_path"]:
        return
    for page in pages:
        if page.url_path == target["url_path"]:
            st.switch_page(page, query_params=target["query"])


def logout(user: CurrentUser) -> None:
    """End this user's sessions everywhere (the cookie dies with them) and show the login form."""
    with session_scope() as session:
        user_db.logout(session, user_id=user.id)
    _end_session("您已安全退出。")
    st.session_state[DELETE_COOKIE_KEY] = True
    st.rerun()
