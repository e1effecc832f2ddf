"""Contact cadence (跟进频率): how often each class must be contacted, and when a customer is next due.

A rule belongs to one class of a scheme: "at least ``times`` contacts of ``channel`` every
``every`` ``unit``" — 重点客户 once a week, VIP a visit a month, A 战略合作 two calls a week and
four visits a month. A customer is due ``interval`` after its last contact on that channel
(the archive's creation date when there was none); with several rules (several schemes, or
phone and visit) the earliest due date counts. Overdue = due before today, in the team's
time zone. Everything here is plain dates: the database stores each customer's result
(db/cadence.py), so lists filter and count overdue customers with an index.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from domain.errors import UserFacingError

ANY, PHONE, VISIT = "any", "phone", "visit"
CHANNEL_LABELS = {ANY: "任意方式联系", PHONE: "电话", VISIT: "登门拜访"}
DAY, WEEK, MONTH = "day", "week", "month"
UNIT_LABELS = {DAY: "天", WEEK: "周", MONTH: "个月"}
UNIT_DAYS = {DAY: 1, WEEK: 7, MONTH: 30}  # only to spread several contacts over a period
MAX_EVERY = 366

# Preloaded from the source documents (../shared/DOMAIN.md §3), keyed by (scheme code, class code).
DEFAULT_RULES: dict[tuple[str, str], list[tuple[str, int, int, str]]] = {
    ("importance", "key"): [(ANY, 1, 1, WEEK)],            # 重点客户：至少每周一次
    ("importance", "normal"): [(ANY, 1, 1, MONTH)],        # 例行回访：至少每月一次
    ("importance", "potential"): [(ANY, 1, 1, MONTH)],
    ("value", "A"): [(PHONE, 2, 1, WEEK), (VISIT, 4, 1, MONTH)],  # A 一级：电话每周≥2，登门每月≥4
    ("value", "B"): [(ANY, 1, 1, MONTH)],
    ("value", "C"): [(ANY, 1, 1, MONTH)],
    ("value", "D"): [(ANY, 1, 1, MONTH)],
    ("horizon", "A"): [(ANY, 1, 1, DAY)],                  # 成交周期：每日 / 每周 / 每 15 天 / 每 30 天
    ("horizon", "B"): [(ANY, 1, 1, WEEK)],
    ("horizon", "C"): [(ANY, 1, 15, DAY)],
    ("horizon", "D"): [(ANY, 1, 30, DAY)],
    ("service", "vip"): [(VISIT, 1, 1, MONTH)],            # VIP 每月拜访，一级每两个月
    ("service", "t1"): [(VISIT, 1, 2, MONTH)],
}
ESCALATE_AFTER_DAYS = 7  # default: overdue this many days → on the supervisor's escalation list


class CadenceError(UserFacingError):
    """A rule that cannot be kept (zero days, no contacts…); the message is for the user."""


@dataclass(frozen=True)
class Rule:
    channel: str
    times: int
    every: int
    unit: str
    source: str = ""  # the class it comes from, for "why is this customer due"

    def describe(self) -> str:
        period = ({DAY: "每天", WEEK: "每周", MONTH: "每月"}[self.unit] if self.every == 1
                  else f"每 {self.every} {UNIT_LABELS[self.unit]}")
        times = "一次" if self.times == 1 else f"至少 {self.times} 次"
        return f"{period}{CHANNEL_LABELS[self.channel]}{times}"


@dataclass(frozen=True)
class Due:
    day: dt.date
    rule: Rule

    def reason(self) -> str:
        return f"{self.rule.source}：{self.rule.describe()}" if self.rule.source else self.rule.describe()


def check_rule(channel: str, times: int | None, every: int | None, unit: str) -> None:
    if channel not in CHANNEL_LABELS:
        raise CadenceError("请选择联系方式（任意方式 / 电话 / 登门拜访）")
    if unit not in UNIT_LABELS:
        raise CadenceError("周期单位只能是 天、周 或 个月")
    if not every or every < 1:
        raise CadenceError("周期必须至少为 1（不能为 0 天）")
    if every > MAX_EVERY:
        raise CadenceError(f"周期不能超过 {MAX_EVERY}")
    if not times or times < 1:
        raise CadenceError("次数必须至少为 1")
    if unit == DAY and times > every:
        raise CadenceError(f"每 {every} 天最多安排 {every} 次联系")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the month's last day (1月31日 + 1 个月 = 2月28/29日)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_after(last: dt.date, rule: Rule) -> dt.date:
    """When the next contact is due after one on ``last``. Several contacts per period are spread
    evenly (two a week: every 3 days; four a month: every 7 days)."""
    if rule.times == 1:
        if rule.unit == MONTH:
            return add_months(last, rule.every)
        return last + dt.timedelta(days=rule.every * UNIT_DAYS[rule.unit])
    return last + dt.timedelta(days=max(1, rule.every * UNIT_DAYS[rule.unit] // rule.times))


def next_due(rules: list[Rule], last_contact: dict[str, dt.date | None], since: dt.date) -> Due | None:
    """The earliest due date over ``rules``; ``last_contact`` per channel (ANY, PHONE, VISIT), ``since``
    the archive's creation day. None when no rule applies."""
    dues = [Due(due_after(last_contact.get(rule.channel) or since, rule), rule) for rule in rules]
    return min(dues, key=lambda d: d.day) if dues else None


def overdue_days(due: dt.date | None, today: dt.date) -> int:
    """Days past due (0: not overdue, or no cadence)."""
    return max(0, (today - due).days) if due else 0
