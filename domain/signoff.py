"""Sensitive changes need sign-off: a rep's change to 信用额度, 账期 or bank data waits for their
supervisor's approval before it takes effect (the owner is changed only by supervisors anyway,
domain/permissions.can_assign_owner). Who approves is permissions.can_review, as for a new archive.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain import audit
from domain import fields as F
from domain import roles as R

SENSITIVE_FIELDS = tuple(f.name for f in F.ARCHIVE_FIELDS if f.needs_signoff)  # declared on the Field
PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
STATE_LABELS = {PENDING: "待审批", APPROVED: "已同意", REFUSED: "已拒绝"}


def needs_signoff(actor) -> bool:
    return actor.role == R.REP


def split_sensitive(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], list[audit.Change]]:
    """``new`` with the sensitive fields it changes put back to ``old``, and the held-back changes
    (a field ``new`` does not mention is not a change)."""
    held = audit.diff_fields({k: old.get(k) for k in SENSITIVE_FIELDS},
                             {k: new[k] for k in SENSITIVE_FIELDS if k in new})
    kept = dict(new)
    for change in held:
        kept[change["field"]] = old.get(change["field"])
    return kept, held


def to_json(name: str, value: Any) -> Any:
    """A held-back value as stored in the request (JSON): decimals as text."""
    return str(value) if isinstance(value, Decimal) else value


def from_json(name: str, value: Any) -> Any:
    if value is None:
        return None
    kind = F.FIELDS_BY_NAME[name].kind
    if kind in (F.DECIMAL, F.PERCENT):
        return Decimal(str(value))
    if kind == F.INT:
        return int(value)
    return value


def describe(changes: list[audit.Change]) -> str:
    return "；".join(f"{c['label']}：{audit.display(c['old']) or '（空）'} → {audit.display(c['new']) or '（空）'}"
                    for c in changes)

