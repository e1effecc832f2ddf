"""Login and session hardening, as an attacker tries it: guessing passwords, probing which usernames
exist (by the answer's text and by how long it takes), and using a session left idle.

The cookie attacks (forged, replayed) and two live browsers are in tests/browser/test_attacks.py.
"""
from __future__ import annotations

import datetime as dt
import statistics
import time
from urllib.parse import unquote

import bcrypt
import pytest
from streamlit.testing.v1 import AppTest

from components.auth import SESSION_KEY
from db import users as user_db
from db.engine import session_scope
from domain import auth_rules
from tests.factories import PASSWORD, make_customer, make_user
from tests.pages.apptest import ROOT

WRONG = "Wrong-password-0000"
T0 = dt.datetime(2026, 12, 1, 9, 0)


class FakeClock:
    """db.users' idea of now (utcnow), moved by the test."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock(T0)
    monkeypatch.setattr("db.users.utcnow", fake)
    return fake


def _answer(username: str, password: str) -> str | None:
    """What the login form tells the person typing: None when they are in, else its message
    (the same decision as components/auth._login_form)."""
    with session_scope() as s:
        user = user_db.authenticate(s, username, password)
        if user is not None:
            return None
        return auth_rules.LOCKED if user_db.is_locked(s, username) else auth_rules.LOGIN_FAILED


# --- (c) guessing passwords -----------------------------------------------------------------------

def test_a_hundred_wrong_passwords_in_a_row_get_nowhere(db, clock):
    """A script firing 100 guesses at one account: after the fifth, every answer is 'locked', so the
    right password as the 100th guess is refused too; the lock ends 15 minutes after the fifth guess."""
    with session_scope() as s:
        make_user(s, "rep", username="target")
    answers = []
    for n in range(99):
        answers.append(_answer("target", f"guess-{n:04d}-x"))
        clock.now += dt.timedelta(seconds=1)
    answers.append(_answer("target", PASSWORD))
    assert answers[:4] == [auth_rules.LOGIN_FAILED] * 4
    assert answers[4:] == [auth_rules.LOCKED] * 96, "the right password got through or the lock ended early"

    clock.now = T0 + dt.timedelta(seconds=4, minutes=auth_rules.LOCK_MINUTES)  # 15 min after the 5th guess
    assert _answer("target", PASSWORD) is None


def test_guessing_for_an_hour_at_a_steady_pace_checks_at_most_five_guesses_per_lock(db, clock):
    """An attacker pacing the guesses (one every 36 s, 100 in an hour) gets a real answer to at most
    5 guesses per 15 minutes: a guess is only compared with the password while the account is not
    locked. The right password as the 100th guess lands in a lock and is refused; the same password
    typed at the moment a lock ends gets in (so the lock is what refused it)."""
    with session_scope() as s:
        make_user(s, "rep", username="target")
    checked = 0
    for n in range(99):
        with session_scope() as s:
            open_before = not user_db.is_locked(s, "target")
        checked += open_before
        _answer("target", f"guess-{n:04d}-x")
        clock.now += dt.timedelta(seconds=36)
    assert checked <= 20, f"{checked} of 99 guesses were compared with the password within an hour"
    assert _answer("target", PASSWORD) == auth_rules.LOCKED  # the 100th guess, at 59 min 24 s

    with session_scope() as s:
        user_db.clear_login_failures(s, "target")
    for n in range(5):
        _answer("target", f"again-{n}-x")
    clock.now += dt.timedelta(minutes=auth_rules.LOCK_MINUTES)
    assert _answer("target", PASSWORD) is None


# --- (c) the same answer for every kind of failure ------------------------------------------------

def _login_form_answers(username: str, passwords: list[str]) -> list[list[str]]:
    """Type each password into the real login form (app.py in AppTest); the messages shown after each."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    shown = []
    for password in passwords:
        at.text_input(key="login_username").input(username)
        at.text_input(key="login_password").input(password)
        next(b for b in at.button if b.label == "登录").click()
        at.run()
        assert not at.exception, at.exception
        shown.append([e.value for e in at.error] + [w.value for w in at.warning])
        assert not [t.value for t in at.title if t.value.startswith("您好")], "logged in with a wrong password"
    return shown


def test_the_login_form_answers_alike_for_unknown_disabled_and_real_accounts(db):
    """Six wrong passwords for a real account, a disabled one and a name that does not exist: the
    same messages in the same order (so the form does not tell which usernames exist); then the real
    account's right password while locked gets exactly the locked answer a wrong one gets."""
    with session_scope() as s:
        admin = make_user(s, "admin", username="boss", password="Admin-password-2026")
        make_user(s, "rep", username="alice")
        bob = make_user(s, "rep", username="bob")
        user_db.set_user_active(s, actor_id=admin.id, user_id=bob.id, active=False)
    real = _login_form_answers("alice", [WRONG] * 6)
    assert real[0] == [auth_rules.LOGIN_FAILED] and real[4:] == [[auth_rules.LOCKED]] * 2, real
    assert _login_form_answers("nobody-here", [WRONG] * 6) == real
    assert _login_form_answers("bob", [WRONG] * 6) == real
    assert _login_form_answers("alice", [PASSWORD]) == [[auth_rules.LOCKED]]
    assert _login_form_answers("bob", [PASSWORD]) == [[auth_rules.LOCKED]]  # disabled: never in


# --- (c) the same work, so the same time ----------------------------------------------------------

def _alice_bob_carol() -> None:
    """A real account (alice), a disabled one (bob) and a locked one (carol)."""
    with session_scope() as s:
        admin = make_user(s, "admin", username="boss", password="Admin-password-2026")
        make_user(s, "rep", username="alice")
        bob = make_user(s, "rep", username="bob")
        make_user(s, "rep", username="carol")
        user_db.set_user_active(s, actor_id=admin.id, user_id=bob.id, active=False)
    for _ in range(auth_rules.MAX_FAILURES):
        _answer("carol", WRONG)


@pytest.fixture
def accounts(db):
    """Every way a login can go (an unknown name needs no row)."""
    _alice_bob_carol()
    return {"wrong password": ("alice", WRONG), "unknown user": ("nobody-here", WRONG),
            "disabled user": ("bob", PASSWORD), "locked, right password": ("carol", PASSWORD),
            "locked, wrong password": ("carol", WRONG), "right password": ("alice", PASSWORD)}


def test_every_attempt_does_one_bcrypt_check(accounts, monkeypatch):
    """An unknown, disabled or locked username costs the same bcrypt work as a wrong password (a
    check against a dummy hash); without it the quick answer gives the username away."""
    calls = []
    real_check = bcrypt.checkpw

    def counting_check(password, hashed):
        calls.append(hashed)
        return real_check(password, hashed)

    monkeypatch.setattr("db.users.bcrypt.checkpw", counting_check)
    for case, (username, password) in accounts.items():
        calls.clear()
        with session_scope() as s:
            user_db.authenticate(s, username, password)
            user_db.clear_login_failures(s, "alice")
        assert len(calls) == 1, f"{case}: {len(calls)} bcrypt checks"


def test_login_takes_as_long_for_unknown_disabled_and_locked_accounts(db, monkeypatch):
    """Measured: the median time of a failed login is the same (within a factor 2) whatever made it
    fail. bcrypt at cost 10 (~50 ms) dominates; a skipped check would answer 10-50× faster."""
    monkeypatch.setenv("KEDANG_BCRYPT_ROUNDS", "10")
    _alice_bob_carol()
    cases = {"wrong password": ("alice", WRONG), "unknown user": ("nobody-here", WRONG),
             "disabled user": ("bob", PASSWORD), "locked account": ("carol", PASSWORD)}
    _answer("nobody-here", WRONG)  # warm-up (the dummy hash is made once)
    times: dict[str, list[float]] = {case: [] for case in cases}
    for _ in range(9):
        for case, (username, password) in cases.items():  # interleaved: machine noise hits all alike
            with session_scope() as s:
                for name in ("alice", "nobody-here", "bob"):
                    user_db.clear_login_failures(s, name)
            start = time.perf_counter()
            _answer(username, password)
            times[case].append(time.perf_counter() - start)
    medians = {case: statistics.median(values) for case, values in times.items()}
    baseline = medians["wrong password"]
    for case, median in medians.items():
        assert 0.5 < median / baseline < 2, f"{case}: {median * 1000:.1f} ms vs wrong password {baseline * 1000:.1f} ms"


# --- (e) idle sessions ----------------------------------------------------------------------------

def _session_idle_for(hours: float, user) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    then = time.time() - hours * 3600
    at.session_state[SESSION_KEY] = {"user_id": user.id, "login_at": then, "last_seen": then}
    return at.run()


def test_an_idle_session_ends_with_a_message_and_shows_nothing(db, monkeypatch):
    monkeypatch.setenv("KEDANG_IDLE_HOURS", "8")
    with session_scope() as s:
        rep = make_user(s, "rep", name="闲置的业务员")
        make_customer(s, rep, name="闲置会话里的客户商行")
    at = _session_idle_for(7.9, rep)  # still inside the window: the app opens
    assert [t.value for t in at.title] == ["您好，闲置的业务员"]

    at = _session_idle_for(8.1, rep)
    assert not at.exception
    assert [w.value for w in at.warning] == [auth_rules.SESSION_EXPIRED]
    assert [b.label for b in at.button] == ["登录"]
    shown = " ".join(str(e.value) for e in (*at.markdown, *at.title, *at.caption) if hasattr(e, "value"))
    assert "闲置的业务员" not in shown and "闲置会话里的客户商行" not in shown
    assert SESSION_KEY not in at.session_state


# --- (d) two people at once -----------------------------------------------------------------------

def _open(path: str, user) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state[SESSION_KEY] = {"user_id": user.id, "login_at": time.time(), "last_seen": time.time()}
    at.run()
    if path != "pages/home.py":
        at.switch_page(path)
        at.run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_two_sessions_at_once_never_see_each_others_identity_or_rows(db):
    """Two reps of two teams working at the same time in one server process (AppTest shares the
    process, its st.cache_data and module globals): the dashboard's shared cache, the list and the
    sidebar each show only their own user's customers and name, however the runs interleave."""
    with session_scope() as s:
        boss_a, boss_b = make_user(s, "manager", name="甲经理"), make_user(s, "manager", name="乙经理")
        rep_a = make_user(s, "rep", name="甲业务员", supervisor=boss_a)
        rep_b = make_user(s, "rep", name="乙业务员", supervisor=boss_b)
        for n in range(3):
            make_customer(s, rep_a, name=f"甲的客户{n}号商行")
        make_customer(s, rep_b, name="乙的唯一客户商行")

    a, b = _open("pages/home.py", rep_a), _open("pages/home.py", rep_b)
    for at, mine, theirs in ((a, "甲业务员", "乙业务员"), (b, "乙业务员", "甲业务员")):
        sidebar = " ".join(m.value for m in at.sidebar.markdown)  # app.py's 「name · role」
        assert mine in sidebar and theirs not in sidebar
    a.run()  # A again, after B's run
    assert [t.value for t in a.title] == ["您好，甲业务员"] and [t.value for t in b.title] == ["您好，乙业务员"]

    a, b = _open("pages/dashboard.py", rep_a), _open("pages/dashboard.py", rep_b)
    assert (_metric(a, "在用客户"), _metric(b, "在用客户")) == ("3", "1")
    a.run()  # A again, after B filled the shared cache with the same filter and day
    assert _metric(a, "在用客户") == "3"

    a, b = _open("pages/archives.py", rep_a), _open("pages/archives.py", rep_b)
    a.run()
    assert set(map(_linked_name, a.dataframe[0].value["客户名称"])) == {f"甲的客户{n}号商行" for n in range(3)}
    assert set(map(_linked_name, b.dataframe[0].value["客户名称"])) == {"乙的唯一客户商行"}


def _linked_name(link: str) -> str:
    """The name a list's link column shows (components/customer_table.archive_url puts it after #)."""
    return unquote(link.split("#", 1)[1])
