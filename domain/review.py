"""The review (审核) state machine of an archive.

    待审核 --approve--> 已归档
    待审核 --return---> 退回 --resubmit--> 待审核
"""
from __future__ import annotations

from domain.errors import UserFacingError

PENDING, FILED, RETURNED = "pending", "filed", "returned"
STATE_LABELS = {PENDING: "待审核", FILED: "已归档", RETURNED: "退回"}

APPROVE, RETURN, RESUBMIT = "approve", "return", "resubmit"
ACTION_LABELS = {APPROVE: "审核通过", RETURN: "退回", RESUBMIT: "重新提交"}

_TRANSITIONS = {
    (PENDING, APPROVE): FILED,
    (PENDING, RETURN): RETURNED,
    (RETURNED, RESUBMIT): PENDING,
}


class ReviewError(UserFacingError):
    pass


def initial_state(files_directly: bool) -> str:
    return FILED if files_directly else PENDING


def next_state(state: str, action: str, comment: str | None = None) -> str:
    """The state after ``action``, or ReviewError with a Chinese reason."""
    if action == RETURN and not (comment or "").strip():
        raise ReviewError("退回时请填写审核意见，告诉业务员要改什么")
    try:
        return _TRANSITIONS[(state, action)]
    except KeyError:
        raise ReviewError(
            f"档案当前为「{STATE_LABELS.get(state, state)}」，不能{ACTION_LABELS.get(action, action)}"
        ) from None
