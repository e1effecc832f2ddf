"""离职交接: everything a leaving rep holds moves in one step, nothing stays with the disabled user."""
import datetime as dt

import pytest
from sqlalchemy import select

from db.access import decide, my_requests, request_access
from db.audit import list_history
from db.engine import session_scope
from db.followups import plan_visits
from db.handover import POOL, hand_over, holdings, orphans
from db.models import Customer, User
from db.models_followups import VisitPlan
from domain.errors import PermissionDenied, UserFacingError
from domain.followups import PlanInput
from domain.formatting import local_today
from tests.factories import make_customer, make_team, make_user


@pytest.fixture
def leaving(db):
    """张伟 leaves with three customers (one deactivated) and two open plans."""
    with session_scope() as s:
        manager, rep, other = make_team(s)
        ids = [make_customer(s, rep, name=f"张伟的客户{i}").id for i in range(3)]
        s.get(Customer, ids[2]).is_active = False
        plan_visits(s, rep, ids[:2], PlanInput(day=local_today() + dt.timedelta(days=1), method="电话-常规"))
        return manager, rep, other, ids


def test_holdings_and_a_handover_that_leaves_nothing_behind(leaving):
    manager, rep, other, ids = leaving
    with session_scope() as s:
        held = holdings(s, manager, rep.id)
        assert (len(held.customers), held.open_plans) == (3, 2)
        assert orphans(s).customers == []
    with session_scope() as s:
        result = hand_over(s, manager, rep.id, {ids[0]: other.id, ids[1]: POOL, ids[2]: other.id},
                           reason="张伟离职")
        assert result == {"moved": 2, "pooled": 1, "plans": 2, "loans": 0}
    with session_scope() as s:
        owners = {c.id: c.owner_id for c in s.scalars(select(Customer))}
        assert (owners[ids[0]], owners[ids[1]], owners[ids[2]]) == (other.id, None, other.id)
        assert {p.customer_id: p.assignee_id for p in s.scalars(select(VisitPlan))} == {ids[0]: other.id,
                                                                                         ids[1]: None}
        assert s.get(User, rep.id).is_active is False
        entry = list_history(s, entity="customer", entity_id=ids[1])[0]
        assert (entry.action, entry.reason, entry.changes[0]["old"], entry.changes[0]["new"]) == (
            "handover", "张伟离职", "张伟", "公海")
        assert orphans(s).customers == [] and orphans(s).plans == 0


def test_the_orphan_check_finds_what_a_plain_disable_left(leaving):
    manager, rep, other, ids = leaving
    from db.users import set_user_active
    with session_scope() as s:
        set_user_active(s, actor_id=manager.id, user_id=rep.id, active=False)
    with session_scope() as s:
        found = orphans(s)
        assert sorted(name for _, name, _, _ in found.customers) == ["张伟的客户0", "张伟的客户1"]
        assert found.plans == 2


def test_a_handover_is_refused_whole(leaving):
    manager, rep, other, ids = leaving
    with session_scope() as s:
        outsider = make_user(s, "manager", name="别组经理")
    with pytest.raises(PermissionDenied), session_scope() as s:
        holdings(s, outsider, rep.id)
    with pytest.raises(PermissionDenied), session_scope() as s:
        hand_over(s, other, rep.id, {i: other.id for i in ids}, reason="越权")
    with pytest.raises(UserFacingError, match="每一位客户"), session_scope() as s:
        hand_over(s, manager, rep.id, {ids[0]: other.id}, reason="漏了两位")
    with pytest.raises(UserFacingError, match="原因"), session_scope() as s:
        hand_over(s, manager, rep.id, {i: other.id for i in ids}, reason=" ")
    with pytest.raises(UserFacingError, match="接手人无效"), session_scope() as s:
        hand_over(s, manager, rep.id, {i: rep.id for i in ids}, reason="交给自己")
    with session_scope() as s:
        assert {c.owner_id for c in s.scalars(select(Customer))} == {rep.id}
        assert s.get(User, rep.id).is_active is True


def test_open_loans_go_back_with_the_leaver(leaving):
    manager, rep, other, ids = leaving
    with session_scope() as s:
        boss = make_user(s, "manager", name="赵经理")
        theirs = make_customer(s, make_user(s, "rep", supervisor=boss), name="别队客户").id
        grant = request_access(s, rep, theirs, "查看往来", local_today() + dt.timedelta(days=5))
        decide(s, boss, grant.id, True)
    with session_scope() as s:
        assert holdings(s, manager, rep.id).loans == 1
        result = hand_over(s, manager, rep.id, {i: other.id for i in ids}, reason="张伟离职")
        assert result["loans"] == 1
    with session_scope() as s:
        assert my_requests(s, rep)[0].state == "已归还"
        assert list_history(s, entity="customer", entity_id=theirs)[0].action == "access_return"
