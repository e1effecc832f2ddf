"""投诉 (complaints) and 折价/让利 (discounts): the vocabulary, the complaint's states and its checks.

A complaint moves 待处理 → 处理中 → 已解决 → 已回访. Resolving it books an on-site return visit
(a visit plan, 现场-问题处理); it is closed only once a follow-up on site has answered that plan —
every complaint gets its return visit (对投诉事件需采取上门方式回访). A phone call never completes it
(domain/followups.can_answer); a visit completes it first, on any day. A plan that was completed
without a visit or cancelled is re-booked (db/complaints.rebook_return_visit). db/complaints.py
writes all this.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import FieldErrors, UserFacingError

OPEN, HANDLING, RESOLVED, CLOSED = "open", "handling", "resolved", "closed"
STATE_LABELS = {OPEN: "待处理", HANDLING: "处理中", RESOLVED: "已解决", CLOSED: "已回访"}
NEXT_STATE = {OPEN: HANDLING, HANDLING: RESOLVED, RESOLVED: CLOSED}
UNFINISHED = (OPEN, HANDLING, RESOLVED)

CHANNELS = ["电话", "上门", "微信/网络", "信函/邮件", "业务员转达", "其它"]
CATEGORIES = ["产品质量", "配送物流", "服务态度", "价格", "账款结算", "陈列促销", "其它"]
SEVERITIES = ["一般", "较重", "严重"]
RESPONSIBILITIES = ["我方责任", "客户责任", "第三方（物流等）", "无责任/误会"]
SATISFACTION = ["非常满意", "满意", "一般", "不满意"]

RETURN_VISIT_METHOD = "现场-问题处理"  # the visit plan a resolved complaint books (domain/followups.PLAN_METHODS)
RETURN_VISIT_WITHIN_DAYS = 7          # "a visit record is followed by a return call within a week"


class ComplaintError(FieldErrors):
    """Input that cannot be saved; ``errors`` maps a field to its Chinese message."""


@dataclass
class ComplaintInput:
    day: dt.date | None
    channel: str
    category: str
    severity: str
    content: str
    handler_id: int | None = None


def check_complaint(data: ComplaintInput, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if data.day is None:
        errors["day"] = "请填写投诉日期"
    elif data.day > today:
        errors["day"] = "投诉日期不能晚于今天"
    if data.channel not in CHANNELS:
        errors["channel"] = "请选择投诉渠道"
    if data.category not in CATEGORIES:
        errors["category"] = "请选择投诉类别"
    if data.severity not in SEVERITIES:
        errors["severity"] = "请选择严重程度"
    if not data.content.strip():
        errors["content"] = "请写下投诉内容"
    elif len(data.content) > 4000:
        errors["content"] = "投诉内容最多 4000 字"
    if errors:
        raise ComplaintError(errors)


def check_resolution(resolution: str, responsibility: str) -> None:
    errors = {}
    if not resolution.strip():
        errors["resolution"] = "请写明处理结果"
    if responsibility not in RESPONSIBILITIES:
        errors["responsibility"] = "请选择责任鉴定"
    if errors:
        raise ComplaintError(errors)


def check_close(satisfaction: str, return_visit_done: bool) -> None:
    if not return_visit_done:
        raise ComplaintError({"return_visit": "投诉须经现场回访后才能结案：请先在回访计划中记录一次登门回访"})
    if satisfaction not in SATISFACTION:
        raise ComplaintError({"satisfaction": "请选择客户满意度"})


def check_step(state: str, wanted: str) -> None:
    """A complaint moves one step at a time, forward only."""
    if NEXT_STATE.get(state) != wanted:
        raise UserFacingError(f"这条投诉现在是「{STATE_LABELS[state]}」，不能直接改为「{STATE_LABELS[wanted]}」"
                              "（可能刚被他人处理，页面已刷新）")


def age_days(received: dt.date, today: dt.date) -> int:
    return (today - received).days


# --- 折价/让利 -----------------------------------------------------------------------------------

DISCOUNT_KINDS = ["折价", "让利", "返利", "免费补货", "其它"]
PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
DISCOUNT_STATES = {PENDING: "待审批", APPROVED: "已批准", REFUSED: "已拒绝"}


@dataclass
class DiscountInput:
    kind: str
    amount: Decimal | None
    reason: str
    complaint_id: int | None = None  # 投诉折价: the complaint that caused it


def check_discount(data: DiscountInput) -> None:
    errors = {}
    if data.kind not in DISCOUNT_KINDS:
        errors["kind"] = "请选择类型"
    if data.amount is None or data.amount <= 0:
        errors["amount"] = "金额须大于 0"
    elif data.amount > Decimal("100000000"):
        errors["amount"] = "金额过大，请核对"
    if not data.reason.strip():
        errors["reason"] = "请写明原因"
    if errors:
        raise ComplaintError(errors)
