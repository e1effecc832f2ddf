"""Existing archives that match what a user typed, told as much as that user may know: an archive they
may see by its number, name and owner (with a link); any other only by what matched and whom to ask
(domain/matches.py). Used by the archive form, the import preview and the 税号 check."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db import visibility
from db.models import Customer, User
from domain import matches as M
from domain import permissions
from domain.validation import ValidationError

CHUNK = 500


def visible_ids(session: Session, actor: permissions.Actor, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` ``actor`` may see (visible_customers: role, team, loans, service scope)."""
    wanted, seen = sorted(set(ids)), set()
    for start in range(0, len(wanted), CHUNK):
        seen.update(session.scalars(select(Customer.id).where(
            Customer.id.in_(wanted[start:start + CHUNK]), visibility.visible_customers(actor))))
    return seen


def supervisor_names(session: Session, ids: Iterable[int]) -> dict[int, str | None]:
    """customer id → the name of its owner's supervisor (the one who decides a loan), None if none."""
    owner, boss = aliased(User), aliased(User)
    wanted, names = sorted(set(ids)), {}
    for start in range(0, len(wanted), CHUNK):
        names.update(session.execute(
            select(Customer.id, boss.name).outerjoin(owner, owner.id == Customer.owner_id)
            .outerjoin(boss, boss.id == owner.supervisor_id).where(Customer.id.in_(wanted[start:start + CHUNK]))
        ).all())
    return names


def hidden_ones(session: Session, actor: permissions.Actor, ids: Iterable[int]) -> dict[int, str | None]:
    """Those of ``ids`` ``actor`` may not see, each with whom to ask (its owner's supervisor's name)."""
    ids = set(ids)
    return supervisor_names(session, ids - visible_ids(session, actor, ids))


def hidden_notes(session: Session, actor: permissions.Actor,
                 matched: dict[int, Sequence[str]]) -> dict[int, str]:
    """For each matched archive (id → what matched) that ``actor`` may not see: what to tell them.
    An archive they may see is not in the result."""
    return {cid: M.hidden_match(matched[cid], boss) for cid, boss in hidden_ones(session, actor, matched).items()}


def describe(session: Session, actor: permissions.Actor,
             found: list[tuple[Customer, tuple[str, ...]]]) -> list[dict]:
    """Plain values for the duplicate warning (the transaction rolls back when it is raised)."""
    hidden = hidden_notes(session, actor, {c.id: matched for c, matched in found})
    return [{"id": c.id, "hidden": True, "note": hidden[c.id], "matched": list(matched)} if c.id in hidden else
            {"id": c.id, "hidden": False, "archive_no": c.archive_no, "name": c.name, "phone": c.phone or "",
             "owner": c.owner.name if c.owner else "（无）", "active": c.is_active, "matched": list(matched)}
            for c, matched in found]


def check_tax_free(session: Session, actor: permissions.Actor, key: str, exclude_id: int | None) -> None:
    """One live archive per 税号: unlike a similar name or phone, the same 税号 is the same taxpayer,
    so it cannot be confirmed past. A deleted archive's 税号 is free again. The message names the
    holder's number only to a user who may see it."""
    if not key:
        return
    query = select(Customer.id, Customer.archive_no).where(Customer.tax_key == key, Customer.deleted_at.is_(None))
    if exclude_id is not None:
        query = query.where(Customer.id != exclude_id)
    taken = session.execute(query.limit(1)).first()
    if taken is None:
        return
    if visible_ids(session, actor, [taken.id]):
        raise ValidationError({"tax_no": M.tax_taken(taken.archive_no)})
    raise ValidationError({"tax_no": M.tax_taken(None, supervisor_names(session, [taken.id]).get(taken.id))})
