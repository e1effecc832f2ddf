"""Follow-up records (跟进记录) and visit plans (回访计划): the vocabulary and the input checks.

Plain data and rules; db/followups.py writes them. Every message is for the user, in Chinese.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Collection, Iterable, TypeVar

from domain.cadence import ANY, PHONE, VISIT
from domain.errors import FieldErrors

METHODS = ["直接登门", "邀约登门", "电话跟进", "网络对话", "手机短信", "其它"]
VISIT_METHODS = {"直接登门", "邀约登门"}
PHONE_METHODS = {"电话跟进"}
TOPICS = ["业务咨询", "产品介绍", "订货", "回款", "售后服务", "投诉处理", "陈列检查", "促销活动", "客情维护", "其它"]

PLAN_METHODS = ["电话-首次", "电话-常规", "现场-核心", "现场-新顾客", "现场-老顾客", "现场-问题处理"]
PLANNED, DONE, CANCELLED = "planned", "done", "cancelled"
PLAN_STATES = {PLANNED: "待回访", DONE: "已完成", CANCELLED: "已取消"}
OVERDUE_LABEL = "已逾期"

SUMMARY_MAX = 2000
TEXT_LIMITS = {"companions": ("协同人员", 200), "next_step": ("下一步计划", 200)}
REVIEW_WINDOW_DAYS = 30  # 待审阅: visit records of the last 30 days (older ones are reviewed from the archive)


# Which contact can complete which visit plan (回访计划), by the plan's kind (the part before "-").
# An on-site plan (现场-*) needs a visit: 对投诉事件需采取上门方式回访 (seed 004), and a phone call is
# not a visit. A phone plan (电话-*) is answered by a phone call or a visit (a visit does more than a
# call). 网络对话, 手机短信 and 其它 complete no plan: they count for the cadence, not as a return visit.
ANSWERS = {"现场": VISIT_METHODS, "电话": PHONE_METHODS | VISIT_METHODS}
NO_PLAN = 0  # FollowUpInput.plan_id for 「不对应回访计划」 (ids start at 1)
P = TypeVar("P")  # a plan: anything with .id, .day and .method (a VisitPlan, a PlanChoice)


def can_answer(method: str, plan_method: str) -> bool:
    """Whether a contact by ``method`` (跟进方式) completes a plan of ``plan_method`` (回访方式)."""
    return method in ANSWERS.get(plan_method.split("-")[0], set())


def plan_order(plans: Iterable[P], return_visits: Collection[int]) -> list[P]:
    """The order a contact's candidate plans are offered and tried in: complaint return visits first
    (``return_visits``: their plan ids; on any day, a rep may visit early), then the rest by day."""
    return sorted(plans, key=lambda p: (p.id not in return_visits, p.day, p.id))


def auto_plan(plans: Iterable[P], method: str, day: dt.date, return_visits: Collection[int]) -> P | None:
    """The open plan a contact answers when the user left it to 「自动」: the first in plan_order that
    ``method`` can answer — a complaint's return visit whatever its day, another plan only if due by
    ``day``. None: it answers no plan."""
    for plan in plan_order(plans, return_visits):
        if can_answer(method, plan.method) and (plan.id in return_visits or plan.day <= day):
            return plan
    return None


def default_method(plan_method: str) -> str:
    """The 跟进方式 a form completing a plan of ``plan_method`` starts at: a visit for 现场, else a call."""
    return "直接登门" if plan_method.startswith("现场") else "电话跟进"


def short_day(day: dt.date, today: dt.date) -> str:
    return f"{day.month}月{day.day}日" if day.year == today.year else f"{day.year}年{day.month}月{day.day}日"


def check_answers(method: str, plan_day: dt.date, plan_method: str, today: dt.date) -> None:
    """Refuse (on the 「plan」 field) a contact chosen to complete a plan it cannot answer."""
    if can_answer(method, plan_method):
        return
    kind = plan_method.split("-")[0]
    needs = "须直接登门或邀约登门" if kind == "现场" else "须电话跟进或登门"
    raise FollowUpError({"plan": f"{method}不能完成{kind}回访计划（{short_day(plan_day, today)} {plan_method}），"
                                 f"{needs}："
                                 "请改选计划，或选择「不对应回访计划」"})


def plan_label(day: dt.date, method: str, purpose: str | None, return_visit: bool, today: dt.date) -> str:
    """A plan in the follow-up form's picker: 【投诉回访】3月12日 现场-问题处理 · 投诉回访：配送物流."""
    tag = "【投诉回访】" if return_visit else ""
    late = "（已逾期）" if day < today else ""
    return f"{tag}{short_day(day, today)}{late} {method}" + (f" · {purpose}" if purpose else "")


def channels_of(method: str) -> set[str]:
    """The cadence channels a contact by ``method`` counts for."""
    if method in VISIT_METHODS:
        return {ANY, VISIT}
    if method in PHONE_METHODS:
        return {ANY, PHONE}
    return {ANY}


class FollowUpError(FieldErrors):
    """Input that cannot be saved; ``errors`` maps a field to its Chinese message."""


@dataclass
class FollowUpInput:
    day: dt.date | None
    method: str
    summary: str                       # 跟进情况（一句话也行）
    time: dt.time | None = None
    topic: str = ""
    feedback: str = ""                 # 客户反馈
    competitors: str = ""              # 竞品情况
    open_problems: str = ""            # 遗留问题
    next_step: str = ""
    next_date: dt.date | None = None
    companions: str = ""               # 协同人员
    plan_id: int | None = None         # the visit plan it answers; None: auto_plan picks, NO_PLAN: none
    classes: dict[int, int] = field(default_factory=dict)  # scheme id -> class after the contact


def check_follow_up(data: FollowUpInput, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if data.day is None:
        errors["day"] = "请填写跟进日期"
    elif data.day > today:
        errors["day"] = "跟进日期不能晚于今天（计划中的拜访请用「回访计划」）"
    if data.method not in METHODS:
        errors["method"] = "请选择跟进方式"
    if not data.summary.strip():
        errors["summary"] = "请用一句话写下跟进情况"
    elif len(data.summary) > SUMMARY_MAX:
        errors["summary"] = f"跟进情况最多 {SUMMARY_MAX} 字（现在 {len(data.summary)} 字），请删减后再保存"
    for name, (label, limit) in TEXT_LIMITS.items():
        if len(getattr(data, name) or "") > limit:
            errors[name] = f"{label}最多 {limit} 字（现在 {len(getattr(data, name))} 字）"
    if data.next_date is not None and data.day is not None and data.next_date < data.day:
        errors["next_date"] = "下次跟进日期不能早于本次跟进日期"
    elif data.next_date is not None and data.next_date < today:
        errors["next_date"] = "下次跟进日期不能早于今天"
    if errors:
        raise FollowUpError(errors)


# What a correction (更正) may change: the record's words, not its day or method (those are facts
# the cadence and the visit plans already counted).
CORRECTABLE = {"summary": "跟进情况", "feedback": "客户反馈", "competitors": "竞品情况",
               "open_problems": "遗留问题", "next_step": "下一步"}


def check_correction(values: dict[str, str], reason: str) -> dict[str, str | None]:
    """The cleaned correction (field → text or None); raises FollowUpError (field → message)."""
    errors: dict[str, str] = {}
    clean = {name: (values.get(name) or "").strip() or None for name in CORRECTABLE}
    if not clean["summary"]:
        errors["summary"] = "请用一句话写下跟进情况"
    elif len(clean["summary"]) > SUMMARY_MAX:
        errors["summary"] = f"跟进情况最多 {SUMMARY_MAX} 字"
    if not reason.strip():
        errors["reason"] = "请填写更正原因"
    if errors:
        raise FollowUpError(errors)
    return clean


@dataclass
class PlanInput:
    day: dt.date | None
    method: str
    purpose: str = ""
    topic: str = ""
    assignee_id: int | None = None


def check_plan(data: PlanInput, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if data.day is None:
        errors["day"] = "请填写计划回访日期"
    elif data.day < today:
        errors["day"] = "计划回访日期不能早于今天"
    if data.method not in PLAN_METHODS:
        errors["method"] = "请选择回访方式"
    if errors:
        raise FollowUpError(errors)


def plan_state(status: str, day: dt.date, today: dt.date) -> str:
    """What a plan shows: 待回访, 已逾期 (planned and its day has passed), 已完成 or 已取消."""
    if status == PLANNED and day < today:
        return OVERDUE_LABEL
    return PLAN_STATES[status]
