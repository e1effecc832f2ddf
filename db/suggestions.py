"""Rule suggestions for the board (规则建议): gather each customer's facts, ask domain/suggestions.py,
and accept chosen suggestions as ordinary moves (reason, movement log, history).

The facts come in three queries (customers, a GROUP BY over 月度销量, current classes) for the
customers the user may see, so nothing is loaded per customer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from db.archive_queries import CustomerFilter, filtered_query
from db.classification import move_class
from db.contracts import long_term_in_force
from db.models import ClassScheme, CustomerClass, MonthlySales, User
from db.models_papers import Contract
from domain import permissions
from domain import suggestions as rules
from domain.errors import UserFacingError

REASON_PREFIX = "规则建议："


@dataclass(frozen=True)
class Pending:
    """One suggestion, ready to show and to accept."""

    customer_id: int
    name: str
    archive_no: str
    owner: str
    from_value_id: int | None
    from_name: str
    to_value_id: int
    to_name: str
    reason: str


def rule_scheme(session: Session, scheme_id: int) -> bool:
    """Whether any rule suggests classes of this scheme."""
    return session.scalar(select(ClassScheme.code).where(ClassScheme.id == scheme_id)) in rules.RULE_SCHEMES


def load_suggestions(session: Session, actor: permissions.Actor, scheme_id: int, flt: CustomerFilter,
                     today: dt.date) -> list[Pending]:
    """Every suggestion for the customers ``actor`` may see (and may move) in the scheme, by customer name."""
    scheme = session.get(ClassScheme, scheme_id)
    if scheme is None or scheme.code not in rules.RULE_SCHEMES or not permissions.may_move_classes(actor):
        return []
    values = {v.code: v for v in scheme.values if not v.is_retired}
    names = {v.id: v.name for v in scheme.values}
    visible = filtered_query(actor, replace(flt, status="active")).subquery()
    current = dict(session.execute(select(CustomerClass.customer_id, CustomerClass.value_id)
                                   .join(visible, visible.c.id == CustomerClass.customer_id)
                                   .where(CustomerClass.scheme_id == scheme_id)).all())
    code_of = {v.id: v.code for v in scheme.values}
    sales = _sales_facts(session, visible, today)
    contracted = set(session.scalars(select(Contract.customer_id).where(long_term_in_force(today))))
    found = []
    for row in session.execute(
            select(visible.c.id, visible.c.name, visible.c.archive_no, visible.c.owner_id,
                   User.name.label("owner_name"), User.supervisor_id.label("owner_supervisor_id"),
                   visible.c.payment_behaviour, visible.c.tripartite_signed, visible.c.tripartite_date,
                   visible.c.expected_deal_date)
            .outerjoin(User, User.id == visible.c.owner_id)
            .where(or_(visible.c.id.in_(select(MonthlySales.customer_id)), visible.c.payment_behaviour.is_not(None),
                       visible.c.id.in_(select(Contract.customer_id).where(long_term_in_force(today))),
                       visible.c.expected_deal_date.is_not(None), visible.c.tripartite_signed.is_(True),
                       visible.c.tripartite_date.is_not(None)))):
        if not permissions.can_move_class(actor, _Owned(row.owner_id, owner_supervisor_id=row.owner_supervisor_id)):
            continue
        first_order, volume = sales.get(row.id, (None, 0))
        facts = rules.Facts(current={scheme.code: code_of.get(current.get(row.id))}, first_order=first_order,
                            volume_12m=volume, payment=row.payment_behaviour,
                            agreement=bool(row.tripartite_signed or row.tripartite_date),
                            long_contract=row.id in contracted, expected_deal=row.expected_deal_date)
        for suggestion in rules.suggest(facts, [scheme.code], today):
            target = values.get(suggestion.to)
            if target is not None:
                found.append(Pending(row.id, row.name, row.archive_no, row.owner_name or "（无）", current.get(row.id),
                                     names.get(current.get(row.id), "未分类"), target.id, target.name,
                                     suggestion.reason))
    return sorted(found, key=lambda p: (p.to_name, p.name))


@dataclass(frozen=True)
class _Owned:
    """A customer row as domain/permissions.py asks about it."""

    owner_id: int | None
    created_by_id: int | None = None
    owner_supervisor_id: int | None = None


def _sales_facts(session: Session, visible, today: dt.date) -> dict[int, tuple[dt.date, int]]:
    """Per customer: the first month with a quantity, and the quantity over the last 12 months."""
    month = MonthlySales.year * 100 + MonthlySales.month
    start = (today.year - 1) * 100 + today.month + 1 if today.month < 12 else today.year * 100 + 1
    rows = session.execute(
        select(MonthlySales.customer_id, func.min(month), func.sum(case((month >= start, MonthlySales.quantity),
                                                                        else_=0)))
        .join(visible, visible.c.id == MonthlySales.customer_id)
        .where(MonthlySales.quantity > 0).group_by(MonthlySales.customer_id))
    return {cid: (dt.date(first // 100, first % 100, 1), int(total or 0)) for cid, first, total in rows}


def accept(session: Session, actor: permissions.Actor, scheme_id: int, chosen: list[Pending]) -> int:
    """Move each chosen customer as suggested, the rule's reason as the move's reason; all or none."""
    if not chosen:
        raise UserFacingError("请先勾选要接受的建议")
    for item in chosen:
        move_class(session, actor, item.customer_id, scheme_id, item.to_value_id,
                   reason=REASON_PREFIX + item.reason, expected_value_id=item.from_value_id)
    return len(chosen)
