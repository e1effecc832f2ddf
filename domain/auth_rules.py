"""Login rules: lockout after wrong passwords, password strength, session expiry."""
from __future__ import annotations

import datetime as dt

from domain import roles as R

MAX_FAILURES = 5
LOCK_MINUTES = 15
DEFAULT_IDLE_HOURS = 8.0

LOGIN_FAILED = "用户名或密码错误。连续输错 5 次，账户将锁定 15 分钟。"
LOCKED = "登录失败次数过多，该账户已锁定，请 15 分钟后再试，或联系管理员。"
SESSION_EXPIRED = "长时间未操作，登录已过期，请重新登录。"
SESSION_ENDED = "您的登录已失效（已退出、密码被重置或账户被停用），请重新登录。"


def min_password_length(role: str) -> int:
    return 12 if role == R.ADMIN else 8


def check_password_strength(password: str, role: str) -> str | None:
    """A Chinese reason the password is too weak, or None."""
    need = min_password_length(role)
    if len(password) < need:
        return f"密码至少 {need} 位（{R.ROLE_LABELS.get(role, role)}）"
    if password.isdigit() or password.isalpha():
        return "密码不能只有数字或只有字母"
    return None


def locked_until(failures: int, last_failure_at: dt.datetime | None) -> dt.datetime | None:
    """When a lock after ``failures`` wrong passwords ends, or None if not locked."""
    if failures < MAX_FAILURES or last_failure_at is None:
        return None
    return last_failure_at + dt.timedelta(minutes=LOCK_MINUTES)


def is_locked(failures: int, last_failure_at: dt.datetime | None, now: dt.datetime) -> bool:
    until = locked_until(failures, last_failure_at)
    return until is not None and now < until


def session_problem(*, login_at: float, last_seen: float, now: float, session_epoch: float,
                    active: bool, idle_hours: float) -> str | None:
    """Why a live session must end (Chinese message), or None if it may go on.

    ``session_epoch`` is the user's last logout / password reset / disable time:
    any session or cookie issued before it is dead.
    """
    if not active or login_at < session_epoch:
        return SESSION_ENDED
    if now - last_seen > idle_hours * 3600:
        return SESSION_EXPIRED
    return None
