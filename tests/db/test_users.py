"""Users, lockout and session epochs, on the configured database."""
import datetime as dt

import pytest

from db import users as user_db
from db.audit import list_history
from db.engine import session_scope
from db.models import utcnow
from domain.errors import UserFacingError
from tests.factories import PASSWORD, make_user


def test_five_wrong_passwords_lock_for_fifteen_minutes(db):
    with session_scope() as s:
        make_user(s, "rep", username="zhang")
    for attempt in range(5):
        with session_scope() as s:
            assert user_db.authenticate(s, "zhang", "wrong-password") is None
    with session_scope() as s:
        assert user_db.is_locked(s, "zhang")
        assert user_db.authenticate(s, "zhang", PASSWORD) is None  # right password, still locked
        assert "zhang" not in user_db.login_credentials(s)["usernames"]
    later = utcnow() + dt.timedelta(minutes=16)
    with session_scope() as s:
        assert not user_db.is_locked(s, "zhang", now=later)


def test_unknown_usernames_lock_alike(db):
    for _ in range(5):
        with session_scope() as s:
            user_db.authenticate(s, "nobody", "x")
    with session_scope() as s:
        assert user_db.is_locked(s, "nobody")


def test_success_resets_the_count(db):
    with session_scope() as s:
        make_user(s, "rep", username="li")
    for _ in range(4):
        with session_scope() as s:
            user_db.authenticate(s, "li", "bad")
    with session_scope() as s:
        assert user_db.authenticate(s, "li", PASSWORD).username == "li"
    with session_scope() as s:
        user_db.authenticate(s, "li", "bad")
        assert not user_db.is_locked(s, "li")


def test_reset_disable_and_logout_end_sessions(db):
    with session_scope() as s:
        admin = make_user(s, "admin", password="Admin-password-2026")
        user = make_user(s, "rep", username="wang")
        uid, aid = user.id, admin.id
        assert user.session_epoch == 0
    with session_scope() as s:
        user_db.reset_password(s, actor_id=aid, user_id=uid, password="New-password-1")
        epoch_after_reset = user_db.get_user(s, uid).session_epoch
        assert epoch_after_reset > 0
        assert user_db.authenticate(s, "wang", "New-password-1") is not None
    with session_scope() as s:
        user_db.set_user_active(s, actor_id=aid, user_id=uid, active=False)
        assert user_db.authenticate(s, "wang", "New-password-1") is None
        assert "wang" not in user_db.login_credentials(s)["usernames"]
        assert user_db.get_user(s, uid).session_epoch >= epoch_after_reset
        actions = [e.action for e in list_history(s, entity="user", entity_id=uid)]
    assert actions == ["user_disable", "password_reset", "user_create"]
    with session_scope() as s:
        before = user_db.get_user(s, aid).session_epoch
        user_db.logout(s, user_id=aid)
        assert user_db.get_user(s, aid).session_epoch > before


@pytest.mark.parametrize("kwargs, message", [
    ({"role": "admin", "password": "Short-pass1"}, "密码至少 12 位"),
    ({"role": "rep", "password": "1234567890"}, "不能只有数字"),
    ({"role": "boss", "password": "Good-password-1"}, "角色只能是"),
])
def test_create_user_refusals(db, kwargs, message):
    with pytest.raises(UserFacingError, match=message):
        with session_scope() as s:
            user_db.create_user(s, actor_id=None, username="x", name="某人", **kwargs)


def test_usernames_are_unique(db):
    with session_scope() as s:
        make_user(s, "rep", username="same")
    with pytest.raises(UserFacingError, match="已存在"):
        with session_scope() as s:
            make_user(s, "rep", username="same")


def test_credentials_dict_has_no_hints_and_bcrypt_hashes(db):
    with session_scope() as s:
        make_user(s, "rep", username="zhao")
        entry = user_db.login_credentials(s)["usernames"]["zhao"]
    assert set(entry) == {"name", "password", "email", "roles"}
    assert entry["password"].startswith("$2")
    assert user_db.check_password(PASSWORD, entry["password"])


def test_cookie_key_is_random_and_stable(db):
    with session_scope() as s:
        key = user_db.get_or_create_secret(s, "cookie_key")
    with session_scope() as s:
        assert user_db.get_or_create_secret(s, "cookie_key") == key
    assert len(key) >= 40
