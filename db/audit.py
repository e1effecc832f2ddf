"""Writing and reading the history. Every write function in db/ calls ``record``
inside its own transaction, so a change and its history commit together."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from db.models import AuditEvent
from domain.audit import Change


def record(session: Session, *, actor_id: int | None, entity: str, entity_id: int, action: str,
           reason: str | None = None, changes: Iterable[Change] = (), version: int | None = None) -> AuditEvent:
    event = AuditEvent(actor_id=actor_id, entity=entity, entity_id=entity_id, action=action,
                       reason=(reason or "").strip() or None, changes=list(changes), version=version)
    session.add(event)
    return event


def newest_entry(session: Session) -> int:
    """The id of the newest history entry: it moves with every save, in any app process."""
    return session.scalar(select(func.max(AuditEvent.id))) or 0


def list_history(session: Session, *, entity: str, entity_id: int) -> list[AuditEvent]:
    """Newest first."""
    return list(session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor))
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())))
