"""查阅记录: who opened which customer's archive (phones, bank and tax data), who exported what, and
what was refused (another rep's customer by URL, an export beyond scope…).

Opening the same archive again within REPEAT_MINUTES is not logged twice. Exports are already in
the history (audit_events: export_list, export_card); ``search`` shows both, newest first.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent, Customer, User, utcnow
from db.models_access import ReadEvent, RefusedAttempt
from db.search import contains
from domain import permissions
from domain.audit import ACTION_LABELS
from domain.errors import PermissionDenied
from domain.formatting import utc_start_of

REPEAT_MINUTES = 30
OPENED = "打开档案"
REFUSED = "被拒绝"
EXPORTS = ("export_list", "export_card", "export_volume")
SHOWN = 500


def record_read(session: Session, actor: permissions.Actor, customer_id: int, what: str = OPENED) -> bool:
    """Log that ``actor`` saw the customer's archive; False when already logged a moment ago."""
    if actor.id is None:
        return False
    recent = session.scalar(select(ReadEvent.id).where(
        ReadEvent.user_id == actor.id, ReadEvent.customer_id == customer_id, ReadEvent.what == what,
        ReadEvent.at >= utcnow() - dt.timedelta(minutes=REPEAT_MINUTES)).limit(1))
    if recent is not None:
        return False
    session.add(ReadEvent(user_id=actor.id, customer_id=customer_id, what=what))
    return True


@dataclass
class LogRow:
    at: dt.datetime
    who: str
    what: str
    customer: str   # name (档案号), or the export's description
    customer_id: int | None


def search(session: Session, actor: permissions.Actor, *, start: dt.date, end: dt.date, user_id: int | None = None,
           customer_text: str = "") -> list[LogRow]:
    """Reads, exports and refusals between ``start`` and ``end`` (local dates, inclusive), newest first."""
    if not permissions.can_read_access_log(actor):
        raise PermissionDenied("只有经理和管理员可以查看查阅记录")
    since, until = utc_start_of(start), utc_start_of(end + dt.timedelta(days=1))
    reads = (select(ReadEvent.at, User.name, ReadEvent.what, Customer.name, Customer.archive_no, Customer.id)
             .join(Customer, Customer.id == ReadEvent.customer_id).outerjoin(User, User.id == ReadEvent.user_id)
             .where(ReadEvent.at >= since, ReadEvent.at < until))
    exports = (select(AuditEvent.at, User.name, AuditEvent.action, AuditEvent.entity_id, AuditEvent.reason,
                      AuditEvent.entity).outerjoin(User, User.id == AuditEvent.actor_id)
               .where(AuditEvent.action.in_(EXPORTS), AuditEvent.at >= since, AuditEvent.at < until))
    if user_id is not None:
        reads = reads.where(ReadEvent.user_id == user_id)
        exports = exports.where(AuditEvent.actor_id == user_id)
    if text := customer_text.strip():
        reads = reads.where(contains(Customer.name, text) | contains(Customer.archive_no, text.upper()))
    rows = [LogRow(at, who or "系统", what, f"{name}（{number}）", cid)
            for at, who, what, name, number, cid in session.execute(reads.order_by(ReadEvent.at.desc()).limit(SHOWN))]
    if not customer_text.strip():
        found = session.execute(exports.order_by(AuditEvent.at.desc()).limit(SHOWN)).all()
        cards = {entity_id for _, _, _, entity_id, _, entity in found if entity == "customer"}
        names = {cid: f"{name}（{number}）" for cid, name, number in session.execute(
            select(Customer.id, Customer.name, Customer.archive_no).where(Customer.id.in_(cards)))}
        rows += [LogRow(at, who or "系统", ACTION_LABELS.get(action, action),
                        names.get(entity_id, "") if entity == "customer" else (reason or "导出列表"),
                        entity_id if entity == "customer" else None)
                 for at, who, action, entity_id, reason, entity in found]
    rows += _refusals(session, since, until, user_id, customer_text.strip())
    return sorted(rows, key=lambda r: r.at, reverse=True)[:SHOWN]


def _refusals(session: Session, since: dt.datetime, until: dt.datetime, user_id: int | None,
              text: str) -> list[LogRow]:
    query = (select(RefusedAttempt.at, User.name, RefusedAttempt.message, RefusedAttempt.page, Customer.name,
                    Customer.archive_no, RefusedAttempt.customer_id)
             .outerjoin(User, User.id == RefusedAttempt.user_id)
             .outerjoin(Customer, Customer.id == RefusedAttempt.customer_id)
             .where(RefusedAttempt.at >= since, RefusedAttempt.at < until))
    if user_id is not None:
        query = query.where(RefusedAttempt.user_id == user_id)
    if text:
        query = query.where(contains(Customer.name, text) | contains(Customer.archive_no, text.upper()))
    return [LogRow(at, who or "未登录", REFUSED, f"{name}（{number}）：{message}" if name else
                   f"{message}（页面 {page or '未知'}）", customer_id if name else None)
            for at, who, message, page, name, number, customer_id in
            session.execute(query.order_by(RefusedAttempt.at.desc()).limit(SHOWN))]
