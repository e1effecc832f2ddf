"""A rep's change to 信用额度, 账期 or bank data waits for the supervisor; everything else saves at once."""
from decimal import Decimal

import pytest

from db.archive_queries import get_customer
from db.archives import archive_input_from, update_customer
from db.audit import list_history
from db.engine import session_scope
from db.models import Customer
from db.signoff import decide_change, pending_for, to_sign
from domain.errors import ConflictError, PermissionDenied, UserFacingError
from tests.factories import make_customer, make_team, make_user


@pytest.fixture
def archive(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        customer_id = make_customer(s, rep, credit_limit=10000, credit_days=30, address="旧地址").id
        return manager, rep, customer_id


def _edit(actor, customer_id, reason="调整", **values) -> None:
    with session_scope() as s:
        customer = get_customer(s, actor, customer_id)
        data = archive_input_from(customer)
        data.values.update(values)
        update_customer(s, actor, customer_id, data, reason=reason, expected_version=customer.version)


def _values(customer_id):
    with session_scope() as s:
        c = s.get(Customer, customer_id)
        return c.credit_limit, c.credit_days, c.address


def test_a_reps_credit_change_waits_and_the_rest_saves(archive):
    manager, rep, customer_id = archive
    _edit(rep, customer_id, reason="客户扩大进货", credit_limit=Decimal("50000"), address="新地址")
    assert _values(customer_id) == (Decimal("10000"), 30, "新地址")
    with session_scope() as s:
        [pending] = pending_for(s, customer_id)
        assert pending.changes == [{"field": "credit_limit", "label": "信用额度", "old": "10000", "new": "50000"}]
        assert [p.id for p, _ in to_sign(s, manager)] == [pending.id]
        assert to_sign(s, rep) == []
        change_id = pending.id
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            decide_change(s, rep, change_id, True)
    with session_scope() as s:
        decide_change(s, manager, change_id, True, "同意")
    assert _values(customer_id) == (Decimal("50000"), 30, "新地址")
    with session_scope() as s:
        actions = [e.action for e in list_history(s, entity="customer", entity_id=customer_id)][:3]
        assert actions == ["signoff_approve", "signoff_request", "update"]
        assert pending_for(s, customer_id) == []


def test_only_a_sensitive_change_is_not_nothing(archive):
    _, rep, customer_id = archive
    _edit(rep, customer_id, credit_days=60)
    with session_scope() as s:
        assert len(pending_for(s, customer_id)) == 1


def test_a_refusal_needs_a_reason_and_changes_nothing(archive):
    manager, rep, customer_id = archive
    _edit(rep, customer_id, bank="建设银行")
    with session_scope() as s:
        change_id = pending_for(s, customer_id)[0].id
    with pytest.raises(UserFacingError, match="拒绝时请写明原因"):
        with session_scope() as s:
            decide_change(s, manager, change_id, False)
    with session_scope() as s:
        decide_change(s, manager, change_id, False, "开户行未核实")
        assert s.get(Customer, customer_id).bank is None


def test_an_approval_after_someone_changed_the_field_is_refused(archive):
    manager, rep, customer_id = archive
    _edit(rep, customer_id, credit_limit=Decimal("50000"))
    _edit(manager, customer_id, credit_limit=Decimal("20000"))  # a supervisor's change applies at once
    with session_scope() as s:
        change_id = pending_for(s, customer_id)[0].id
    with pytest.raises(ConflictError, match="信用额度"):
        with session_scope() as s:
            decide_change(s, manager, change_id, True)
    assert _values(customer_id)[0] == Decimal("20000")


def test_another_teams_manager_cannot_approve(archive):
    _, rep, customer_id = archive
    _edit(rep, customer_id, account_no="6222021234567890")
    with session_scope() as s:
        stranger = make_user(s, "manager")
        change_id = pending_for(s, customer_id)[0].id
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            decide_change(s, stranger, change_id, True)
