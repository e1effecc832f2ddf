"""Follow-up records (跟进记录) and visit plans (回访计划): the vocabulary and the input checks.

Plain data and rules; db/followups.py writes them. Every message is for the user, in Chinese.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from domain.cadence import ANY, PHONE, VISIT
from domain.errors import UserFacingError

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


def channels_of(method: str) -> set[str]:
    """The cadence channels a contact by ``method`` counts for."""
    if method in VISIT_METHODS:
        return {ANY, VISIT}
    if method in PHONE_METHODS:
        return {ANY, PHONE}
    return {ANY}


class FollowUpError(UserFacingError):
    """Input that cannot be saved; ``errors`` maps a field to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


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
    plan_id: int | None = None         # the visit plan this contact answers
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
