"""合同与协议: adding and changing a customer's contracts, what is about to end, what is in force.
Each write records the customer's history in the caller's transaction (domain/contracts.py: rules)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db import visibility
from db.archive_queries import get_customer
from db.audit import record
from db.models import Customer
from db.models_papers import Contract
from db.volumes import check_not_frozen
from domain import contracts as K
from domain import permissions
from domain.audit import display
from domain.errors import ConflictError, NotFound, PermissionDenied
from domain.formatting import local_today


def _describe(data: K.ContractInput) -> str:
    term = f"{data.starts_on} 至 {data.ends_on or '长期'}"
    amount = f"，{display(data.amount)} 元" if data.amount is not None else ""
    return f"{data.kind} {data.number.strip()}（{term}{amount}{'，长期合同' if data.long_term else ''}）"


def add_contract(session: Session, actor: permissions.Actor, customer_id: int, data: K.ContractInput) -> Contract:
    customer = get_customer(session, actor, customer_id)
    if not permissions.can_edit(actor, customer):
        raise PermissionDenied("您无权为这位客户登记合同")
    K.check_contract(data, local_today())
    check_not_frozen(session, actor, data.signed_on)
    contract = Contract(customer_id=customer_id, number=data.number.strip(), kind=data.kind, signed_on=data.signed_on,
                        starts_on=data.starts_on, ends_on=data.ends_on, amount=data.amount,
                        terms=data.terms.strip() or None, long_term=data.long_term, created_by_id=actor.id)
    session.add(contract)
    session.flush()
    record(session, actor_id=actor.id, entity="customer", entity_id=customer_id, action="contract",
           changes=[{"field": "合同", "label": "合同与协议", "old": None, "new": _describe(data)}])
    return contract


def update_contract(session: Session, actor: permissions.Actor, contract_id: int, data: K.ContractInput, *,
                    expected_version: int, reason: str) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("找不到这份合同")
    customer = get_customer(session, actor, contract.customer_id)
    if not permissions.can_edit(actor, customer):
        raise PermissionDenied("您无权修改这份合同")
    if not reason.strip():
        raise K.ContractError({"reason": "请填写修改原因"})
    K.check_contract(data, local_today())
    check_not_frozen(session, actor, contract.signed_on)  # the contract as filed, or as it would become
    check_not_frozen(session, actor, data.signed_on)
    if contract.version != expected_version:
        raise ConflictError("这份合同刚刚被他人修改，请刷新后重新填写")
    before = _describe(K.ContractInput(contract.number, contract.kind, contract.signed_on, contract.starts_on,
                                       contract.ends_on, contract.amount, contract.terms or "", contract.long_term))
    contract.number, contract.kind, contract.signed_on = data.number.strip(), data.kind, data.signed_on
    contract.starts_on, contract.ends_on, contract.amount = data.starts_on, data.ends_on, data.amount
    contract.terms, contract.long_term = data.terms.strip() or None, data.long_term
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError("这份合同刚刚被他人修改，请刷新后重新填写") from None
    record(session, actor_id=actor.id, entity="customer", entity_id=contract.customer_id, action="contract_update",
           reason=reason, changes=[{"field": "合同", "label": "合同与协议", "old": before, "new": _describe(data)}])
    return contract


def for_customer(session: Session, customer_id: int) -> list[Contract]:
    return list(session.scalars(select(Contract).where(Contract.customer_id == customer_id)
                                .order_by(Contract.signed_on.desc(), Contract.id.desc())))


def long_term_in_force(today: dt.date) -> ColumnElement[bool]:
    return and_(Contract.long_term.is_(True), Contract.starts_on <= today,
                or_(Contract.ends_on.is_(None), Contract.ends_on >= today))


def ending_soon(session: Session, actor: permissions.Actor, today: dt.date | None = None,
                *, mine_only: bool = True) -> list[tuple[Contract, Customer]]:
    """到期提醒: contracts ending within REMIND_DAYS on customers ``actor`` owns (or may see)."""
    today = today or local_today()
    query = (select(Contract, Customer).join(Customer, Customer.id == Contract.customer_id)
             .where(Contract.ends_on >= today, Contract.ends_on <= today + dt.timedelta(days=K.REMIND_DAYS),
                    Customer.is_active.is_(True), visibility.visible_customers(actor))
             .order_by(Contract.ends_on))
    if mine_only:
        query = query.where(Customer.owner_id == actor.id)
    return [tuple(row) for row in session.execute(query.limit(100))]
