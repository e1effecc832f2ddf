"""借阅 (borrowing an archive): the states of a request and what a valid request is.

Anyone may ask to read an archive they cannot see, with a reason and a return date; the owner's
supervisor approves or refuses (domain/permissions.can_decide_access). An approved grant ends by
itself after its return date: nothing has to run for that, the visibility test compares dates.
Before that the borrower may return it, and whoever may approve it may take it back (提前收回,
with a reason).
"""
from __future__ import annotations

import datetime as dt

from domain.errors import UserFacingError

PENDING, APPROVED, REFUSED, RETURNED, RECALLED = "pending", "approved", "refused", "returned", "recalled"
MAX_DAYS = 90  # the longest loan

STATE_LABELS = {PENDING: "待审批", APPROVED: "借阅中", REFUSED: "已拒绝", RETURNED: "已归还", RECALLED: "已收回"}
EXPIRED_LABEL = "已到期"


class AccessError(UserFacingError):
    pass


def check_request(reason: str, until: dt.date | None, today: dt.date) -> None:
    if not reason.strip():
        raise AccessError("请填写借阅原因（例如：客户来电投诉，需要查看往来记录）")
    if until is None:
        raise AccessError("请选择归还日期")
    if until < today:
        raise AccessError("归还日期不能早于今天")
    if until > today + dt.timedelta(days=MAX_DAYS):
        raise AccessError(f"借阅最长 {MAX_DAYS} 天，请把归还日期提前")


def check_recall(reason: str) -> None:
    if not reason.strip():
        raise AccessError("提前收回请写明原因（借阅人会看到）")


def is_lent(state: str, until: dt.date, today: dt.date) -> bool:
    """An approved loan not past its return date: it opens the archive now."""
    return state == APPROVED and until >= today


def state_label(state: str, until: dt.date, today: dt.date) -> str:
    """What the request is now; an approved loan past its return date reads 已到期."""
    if state == APPROVED and until < today:
        return EXPIRED_LABEL
    return STATE_LABELS[state]
