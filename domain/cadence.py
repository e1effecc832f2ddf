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
import re
from dataclasses import dataclass
from typing import Protocol

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
        return self.frequency(CHANNEL_LABELS[self.channel])

    def frequency(self, channel_label: str = "") -> str:
        """每 2 个月一次, 每周至少 2 次 — with ``channel_label`` between: 每 2 个月登门拜访一次."""
        period = ({DAY: "每天", WEEK: "每周", MONTH: "每月"}[self.unit] if self.every == 1
                  else f"每 {self.every} {UNIT_LABELS[self.unit]}")
        times = "一次" if self.times == 1 else f"至少 {self.times} 次"
        return f"{period}{channel_label}{times}"


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


# --- what a card, a list row and 今日待办 say about a customer's contacts ---------------------------

_PERIODS = {"天": DAY, "周": WEEK, "月": MONTH}
_UNITS = {label: unit for unit, label in UNIT_LABELS.items()}
_CHANNELS = {label: channel for channel, label in CHANNEL_LABELS.items()}
_REASON = re.compile(r"^(?:(?P<source>.*)：)?每(?:(?P<period>[天周月])|\s(?P<every>\d+)\s(?P<unit>天|周|个月))"
                     r"(?P<channel>" + "|".join(CHANNEL_LABELS.values()) + r")(?:一次|至少\s(?P<times>\d+)\s次)$")
# per channel: what is due, the last such contact, and never having had one
_WORDS = {ANY: ("跟进", "上次联系", "从未联系"), PHONE: ("电话联系", "上次电话", "从未电话联系"),
          VISIT: ("登门拜访", "上次登门", "从未登门")}


def parse_reason(reason: str | None) -> Rule | None:
    """The rule back from a stored ``Due.reason()`` (contact_status.due_reason); None if it is not one."""
    found = _REASON.match(reason or "")
    if found is None:
        return None
    every, unit = (1, _PERIODS[found["period"]]) if found["period"] else (int(found["every"]), _UNITS[found["unit"]])
    return Rule(_CHANNELS[found["channel"]], int(found["times"] or 1), every, unit, found["source"] or "")


class ContactLike(Protocol):
    """A customer's stored contact status (db ContactStatus, or ContactState in tests)."""
    next_due: dt.date | None
    due_reason: str | None
    last_any: dt.date | None
    last_phone: dt.date | None
    last_visit: dt.date | None


@dataclass(frozen=True)
class ContactState:
    next_due: dt.date | None = None
    due_reason: str | None = None
    last_any: dt.date | None = None
    last_phone: dt.date | None = None
    last_visit: dt.date | None = None


@dataclass(frozen=True)
class ContactNote:
    """What is due, by which kind of contact, and since when — the words every screen shows."""
    late: int          # days overdue (0: not overdue, or no cadence)
    headline: str      # 登门拜访逾期 346 天 · 今天应电话联系 · 应于 2026-12-20 前跟进 · "" (no cadence)
    rule: str          # 一级：每 2 个月一次 ("" when unknown)
    since: str         # 上次登门 2025-10-23 · 从未登门 (the contact the rule is about)
    last_contact: str  # 上次联系 2026-12-04 · 尚无跟进记录 (any contact)

    @property
    def detail(self) -> str:
        """（一级：每 2 个月一次，上次登门 2025-10-23） — the rule and the last such contact."""
        return f"（{'，'.join(x for x in (self.rule, self.since) if x)}）" if self.headline else ""

    @property
    def text(self) -> str:
        """登门拜访逾期 346 天（一级：每 2 个月一次，上次登门 2025-10-23）; "" without a cadence."""
        return f"{self.headline}{self.detail}"

    @property
    def short(self) -> str:
        """For a small card: 登门拜访逾期 346 天（上次登门 2025-10-23）, or 上次联系 … without a cadence."""
        return f"{self.headline}（{self.since}）" if self.headline else self.last_contact

    @property
    def line(self) -> str:
        """The whole line: any contact first, unless the due contact's own date already says it."""
        if not self.headline:
            return f"{self.last_contact} · 当前分类没有跟进频率要求"
        if self.since.startswith(_WORDS[ANY][1]) or self.since == _WORDS[ANY][2]:
            return self.text
        return f"{self.last_contact} · {self.text}"


def contact_note(status: ContactLike | None, today: dt.date) -> ContactNote:
    """The one wording of a customer's contact status (今日待办, 分类看板, 客户档案 list, the archive):
    the overdue names the kind of contact it is about and when that kind of contact last happened, so a
    phone call today does not sit beside 「逾期 346 天」 unexplained."""
    if status is None:
        return ContactNote(0, "", "", "", "尚无跟进记录")
    last_contact = f"上次联系 {status.last_any}" if status.last_any else "尚无跟进记录"
    if status.next_due is None:
        return ContactNote(0, "", "", "", last_contact)
    rule = parse_reason(status.due_reason)
    channel = rule.channel if rule else ANY
    what, last_word, never = _WORDS[channel]
    last = {ANY: status.last_any, PHONE: status.last_phone, VISIT: status.last_visit}[channel]
    since = f"{last_word} {last}" if last else never
    if rule is None:
        rule_text = status.due_reason or ""
    else:
        rule_text = f"{rule.source}：{rule.frequency()}" if rule.source else rule.frequency()
    late = overdue_days(status.next_due, today)
    if late:
        headline = f"{what}逾期 {late} 天"
    elif status.next_due == today:
        headline = f"今天应{what}"
    else:
        headline = f"应于 {status.next_due} 前{what}"
    return ContactNote(late, headline, rule_text, since, last_contact)
