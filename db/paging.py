"""The first rows of a query and its exact total: what lists and 今日待办 sections show."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

SHOWN = 100  # rows per list; the totals are exact


@dataclass
class Rows:
    rows: list
    total: int


def first_rows(session: Session, query: Select, limit: int = SHOWN) -> Rows:
    """The first ``limit`` rows of ``query`` and the exact total."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return Rows(list(session.execute(query.limit(limit)).all()) if total else [], total)
