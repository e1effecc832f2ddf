"""公海 (the shared pool): when an untended customer returns to it, and who may claim one.

A customer's clock starts at the later of its last follow-up and the day its owner got it (claim,
handover, assignment; its filing day otherwise). Not followed up for ``days`` days — the strictest
rule among its classes, else the default — it returns to the pool, with a reminder to its owner
``remind_days`` before. db/pool.py applies these rules; nothing here touches the database.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from typing import Iterable

from domain.errors import PermissionDenied, UserFacingError

# Preloaded per class (scheme code, class code) -> days; other classes use PoolSettings.default_days.
DEFAULT_CLASS_DAYS: dict[tuple[str, str], int] = {
    ("importance", "key"): 30,  # 重点客户
    ("value", "A"): 30,         # A 战略合作
}


class PoolError(UserFacingError):
    """A pool rule that cannot be kept (settings out of range…); the message is for the user."""


class ClaimRefused(PermissionDenied):
    """A claim past the day's or the total limit, or within the reclaim ban: refused and logged."""


@dataclass(frozen=True)
class PoolSettings:
    default_days: int = 60        # 未跟进天数：超过即退回公海（分类未单独规定时）
    remind_days: int = 5          # 退回前几天提醒负责人
    claims_per_day: int = 5       # 每人每天最多认领
    max_owned: int = 300          # 每人最多负责的在用客户
    reclaim_ban_days: int = 30    # 退回或释放后，原负责人多少天内不能再认领

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "PoolSettings":
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in data.items() if k in known})


SETTING_LABELS = {
    "default_days": "未跟进多少天退回公海（默认）",
    "remind_days": "退回前几天提醒负责人",
    "claims_per_day": "每人每天最多认领",
    "max_owned": "每人最多负责客户数",
    "reclaim_ban_days": "原负责人多少天内不得再认领",
}
_RANGES = {"default_days": (1, 3650), "remind_days": (0, 60), "claims_per_day": (1, 1000),
           "max_owned": (1, 100000), "reclaim_ban_days": (0, 3650)}


def check_settings(settings: PoolSettings) -> None:
    for name, (low, high) in _RANGES.items():
        value = getattr(settings, name)
        if not low <= value <= high:
            raise PoolError(f"「{SETTING_LABELS[name]}」须在 {low} 到 {high} 之间")
    if settings.remind_days >= settings.default_days:
        raise PoolError("提醒天数须小于退回天数")


def check_class_days(days: int | None) -> None:
    if days is not None and not 1 <= days <= 3650:
        raise PoolError("退回公海天数须在 1 到 3650 之间（留空则用默认天数）")


def return_days(class_days: Iterable[int | None], default_days: int) -> int:
    """The strictest of the customer's classes' rules; the default when none has one."""
    set_days = [d for d in class_days if d]
    return min(set_days) if set_days else default_days


def clock(last_contact: dt.date | None, owner_since: dt.date | None, filed: dt.date) -> dt.date:
    """The day from which untended days count: the last follow-up or the owner's start, whichever is later."""
    return max(d for d in (last_contact, owner_since or filed) if d is not None)


def returns_on(start: dt.date, days: int) -> dt.date:
    """The day a customer returns to the pool if nobody follows it up (``days`` untended days)."""
    return start + dt.timedelta(days=days)


def is_due_back(today: dt.date, start: dt.date, days: int) -> bool:
    return today >= returns_on(start, days)


def is_reminder_due(today: dt.date, start: dt.date, days: int, remind_days: int) -> bool:
    """In the last ``remind_days`` days before the return (and not yet returned)."""
    back = returns_on(start, days)
    return back - dt.timedelta(days=remind_days) <= today < back


def claim_refusal(settings: PoolSettings, *, claims_today: int, owned: int,
                  last_left_me: dt.date | None, today: dt.date) -> str | None:
    """Why this claim is refused (Chinese), or None when it may go ahead.

    ``last_left_me``: the last day this customer left the claimer (returned to the pool or released).
    """
    if claims_today >= settings.claims_per_day:
        return f"今天已认领 {claims_today} 位客户，达到每日上限 {settings.claims_per_day} 位，请明天再认领"
    if owned >= settings.max_owned:
        return f"您已负责 {owned} 位客户，达到上限 {settings.max_owned} 位，请先跟进或释放部分客户"
    if last_left_me is not None and today < last_left_me + dt.timedelta(days=settings.reclaim_ban_days):
        free = last_left_me + dt.timedelta(days=settings.reclaim_ban_days)
        return f"这位客户 {last_left_me:%Y-%m-%d} 从您名下退回公海，{free:%Y-%m-%d} 起您才能再次认领"
    return None
