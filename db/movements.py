"""The class-movement log read back: how many customers moved between which classes per week or month,
and the movements behind one bar (drill-down). Counting runs in SQL (GROUP BY day, from, to).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.archive_queries import CustomerFilter, filtered_query
from db.models import ClassMovement, ClassValue, User
from domain import permissions
from domain.formatting import team_tz, utc_start_of
from domain.periods import next_period, period_start

UNCLASSIFIED = "未分类"


@dataclass(frozen=True)
class Flow:
    period: dt.date      # first day of the week or month
    from_name: str
    to_name: str
    count: int


@dataclass(frozen=True)
class MovementRow:
    customer_id: int
    name: str
    archive_no: str
    from_name: str
    to_name: str
    actor: str
    at: dt.datetime
    reason: str


def _local_day(session: Session, column):
    """The day in the team's time zone of a UTC timestamp column, computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(str(team_tz()), func.timezone("UTC", column)))
    offset = dt.datetime.now(team_tz()).utcoffset() or dt.timedelta()  # SQLite: the zone's offset now
    return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


def _visible(actor: permissions.Actor, flt: CustomerFilter):
    return filtered_query(actor, replace(flt, status="all")).subquery()


def movement_flows(session: Session, actor: permissions.Actor, scheme_id: int, flt: CustomerFilter,
                   since: dt.date, period: str) -> list[Flow]:
    """Moves in the scheme since ``since`` (a local date), counted per period and (from, to) class."""
    source, target = aliased(ClassValue), aliased(ClassValue)
    visible = _visible(actor, flt)
    day = _local_day(session, ClassMovement.at)
    rows = session.execute(
        select(day, source.name, target.name, func.count())
        .join(visible, visible.c.id == ClassMovement.customer_id)
        .outerjoin(source, source.id == ClassMovement.from_value_id)
        .outerjoin(target, target.id == ClassMovement.to_value_id)
        .where(ClassMovement.scheme_id == scheme_id, ClassMovement.at >= utc_start_of(since))
        .group_by(day, source.name, target.name))
    counts: Counter[tuple[dt.date, str, str]] = Counter()
    for day_value, from_name, to_name, count in rows:
        day_value = day_value if isinstance(day_value, dt.date) else dt.date.fromisoformat(day_value)
        counts[period_start(day_value, period), from_name or UNCLASSIFIED, to_name or UNCLASSIFIED] += count
    return [Flow(p, f, t, n) for (p, f, t), n in sorted(counts.items())]


def movements_in(session: Session, actor: permissions.Actor, scheme_id: int, flt: CustomerFilter,
                 start: dt.date, period: str, to_name: str | None = None, limit: int = 500) -> list[MovementRow]:
    """The moves behind one bar: in the period beginning ``start``, optionally into one class; newest first."""
    source, target = aliased(ClassValue), aliased(ClassValue)
    visible = _visible(actor, flt)
    query = (select(ClassMovement, visible.c.name, visible.c.archive_no, source.name, target.name, User.name)
             .join(visible, visible.c.id == ClassMovement.customer_id)
             .outerjoin(source, source.id == ClassMovement.from_value_id)
             .outerjoin(target, target.id == ClassMovement.to_value_id)
             .outerjoin(User, User.id == ClassMovement.actor_id)
             .where(ClassMovement.scheme_id == scheme_id,
                    ClassMovement.at >= utc_start_of(start),
                    ClassMovement.at < utc_start_of(next_period(start, period))))
    if to_name == UNCLASSIFIED:
        query = query.where(ClassMovement.to_value_id.is_(None))
    elif to_name is not None:
        query = query.where(target.name == to_name)
    rows = session.execute(query.order_by(ClassMovement.at.desc(), ClassMovement.id.desc()).limit(limit))
    return [MovementRow(m.customer_id, name, number, old or UNCLASSIFIED, new or UNCLASSIFIED, who or "系统", m.at,
                        m.reason or "") for m, name, number, old, new, who in rows]
