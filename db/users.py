"""Users, passwords, login lockout and session epochs."""
from __future__ import annotations

import datetime as dt
import os
import secrets
import time

import bcrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.audit import record
from db.models import LoginAttempt, Setting, User, utcnow
from domain import auth_rules
from domain.errors import NotFound, UserFacingError
from domain.roles import ALL_ROLES, ROLE_LABELS


def _rounds() -> int:
    # Tests lower the cost (KEDANG_BCRYPT_ROUNDS=4); production keeps bcrypt's default of 12.
    return int(os.environ.get("KEDANG_BCRYPT_ROUNDS", "12"))


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(_rounds())).decode()


_dummy_hashes: dict[int, str] = {}  # per cost; a hash of a random secret, the same for every user


def _dummy_hash() -> str:
    """What an unknown username's password is checked against, at the cost real hashes have."""
    rounds = _rounds()
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = hash_password(secrets.token_urlsafe(24))
    return _dummy_hashes[rounds]


def check_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session, *, active_only: bool = False) -> list[User]:
    query = select(User).order_by(User.role, User.username)
    if active_only:
        query = query.where(User.is_active.is_(True))
    return list(session.scalars(query))


def _require_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("找不到该用户")
    return user


def create_user(session: Session, *, actor_id: int | None, username: str, name: str, role: str,
                password: str, supervisor_id: int | None = None, email: str | None = None) -> User:
    username = username.strip()
    if not username or not name.strip():
        raise UserFacingError("用户名和姓名必填")
    if role not in ALL_ROLES:
        raise UserFacingError(f"角色只能是：{'、'.join(ROLE_LABELS.values())}")
    if get_user_by_username(session, username):
        raise UserFacingError(f"用户名「{username}」已存在")
    if problem := auth_rules.check_password_strength(password, role):
        raise UserFacingError(problem)
    user = User(username=username, name=name.strip(), role=role, supervisor_id=supervisor_id,
                email=email or None, password_hash=hash_password(password), is_active=True,
                session_epoch=0.0)
    session.add(user)
    session.flush()
    record(session, actor_id=actor_id, entity="user", entity_id=user.id, action="user_create",
           changes=[{"field": "role", "label": "角色", "old": None, "new": ROLE_LABELS[role]}])
    return user


def update_user(session: Session, *, actor_id: int, user_id: int, name: str, role: str,
                supervisor_id: int | None) -> User:
    user = _require_user(session, user_id)
    if role not in ALL_ROLES:
        raise UserFacingError("角色无效")
    if supervisor_id == user.id:
        raise UserFacingError("上级不能是自己")
    names = {u.id: u.name for u in list_users(session)}
    changes = []
    for label, old, new in (("姓名", user.name, name.strip()),
                            ("角色", ROLE_LABELS.get(user.role), ROLE_LABELS[role]),
                            ("上级", names.get(user.supervisor_id), names.get(supervisor_id))):
        if old != new:
            changes.append({"field": label, "label": label, "old": old, "new": new})
    user.name, user.role, user.supervisor_id = name.strip(), role, supervisor_id
    if changes:
        record(session, actor_id=actor_id, entity="user", entity_id=user.id, action="user_update",
               changes=changes)
    return user


def end_sessions(user: User) -> None:
    """Kill every live session and cookie of ``user`` (they were issued before now)."""
    user.session_epoch = time.time()


def reset_password(session: Session, *, actor_id: int | None, user_id: int, password: str) -> None:
    user = _require_user(session, user_id)
    if problem := auth_rules.check_password_strength(password, user.role):
        raise UserFacingError(problem)
    user.password_hash = hash_password(password)
    end_sessions(user)
    clear_login_failures(session, user.username)
    record(session, actor_id=actor_id, entity="user", entity_id=user.id, action="password_reset")


def set_user_active(session: Session, *, actor_id: int, user_id: int, active: bool) -> None:
    user = _require_user(session, user_id)
    if user.id == actor_id and not active:
        raise UserFacingError("不能停用自己的账户")
    if user.is_active == active:
        return
    user.is_active = active
    if not active:
        end_sessions(user)
    record(session, actor_id=actor_id, entity="user", entity_id=user.id,
           action="user_enable" if active else "user_disable")


def logout(session: Session, *, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is not None:
        end_sessions(user)


# Lockout is counted per typed username, known or not, so an unknown name and
# a locked account answer exactly like a wrong password.

def _attempt(session: Session, username: str) -> LoginAttempt:
    key = username.strip().lower()[:80]
    attempt = session.get(LoginAttempt, key)
    if attempt is None:
        attempt = LoginAttempt(username=key, failures=0)
        session.add(attempt)
    return attempt


def is_locked(session: Session, username: str, now: dt.datetime | None = None) -> bool:
    attempt = session.get(LoginAttempt, username.strip().lower()[:80])
    if attempt is None:
        return False
    return auth_rules.is_locked(attempt.failures, attempt.last_failure_at, now or utcnow())


def record_login_failure(session: Session, username: str, now: dt.datetime | None = None) -> bool:
    """Count one wrong password; returns True when the account is now locked."""
    now = now or utcnow()
    attempt = _attempt(session, username)
    if attempt.failures >= auth_rules.MAX_FAILURES and not auth_rules.is_locked(
            attempt.failures, attempt.last_failure_at, now):
        attempt.failures = 0  # the previous lock has run out: start counting again
    attempt.failures += 1
    attempt.last_failure_at = now
    return auth_rules.is_locked(attempt.failures, attempt.last_failure_at, now)


def clear_login_failures(session: Session, username: str) -> None:
    attempt = session.get(LoginAttempt, username.strip().lower()[:80])
    if attempt is not None:
        session.delete(attempt)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user if the password is right and the account is active and not locked; counts failures.

    Every attempt does one bcrypt check — against a dummy hash for an unknown username, and also
    for a locked or disabled account — so the answer takes as long whatever made it fail.
    """
    user = get_user_by_username(session, username.strip())
    right = check_password(password, user.password_hash if user is not None else _dummy_hash())
    if is_locked(session, username):
        return None
    if user is None or not user.is_active or not right:
        record_login_failure(session, username)
        return None
    clear_login_failures(session, username)
    return user


def login_credentials(session: Session) -> dict:
    """Users as streamlit-authenticator wants them: active, not locked, no password hints."""
    users = {}
    for user in list_users(session, active_only=True):
        if not is_locked(session, user.username):
            users[user.username] = {"name": user.name, "password": user.password_hash,
                                    "email": user.email or "", "roles": [user.role]}
    return {"usernames": users}


def get_or_create_secret(session: Session, key: str) -> str:
    """An installation secret (e.g. the cookie key), generated once and kept in the database."""
    setting = session.get(Setting, key)
    if setting is None:
        setting = Setting(key=key, value=secrets.token_urlsafe(48))
        session.add(setting)
        session.flush()
    return setting.value
