"""规则建议 on the database: facts gathered from archives and sales, accepted as recorded moves."""
import datetime as dt

import pytest
from sqlalchemy import select

from db.archive_queries import CustomerFilter
from db.audit import list_history
from db.engine import session_scope
from db.models import ClassMovement, ClassScheme, CustomerClass
from db.suggestions import accept, load_suggestions
from domain.errors import ConflictError
from tests.factories import make_customer, make_team

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def office(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        schemes = {sc.code: sc for sc in s.scalars(select(ClassScheme))}
        ids = {(sc.code, v.code): v.id for sc in schemes.values() for v in sc.values}
        life, value = schemes["lifecycle"].id, schemes["value"].id
        ordering = make_customer(s, rep, name="好运来", sales=[{"product": "剑南春", 3: 400, 9: 900}],
                                 classes={life: ids["lifecycle", "target"], value: ids["value", "D"]})
        late = make_customer(s, other, name="拖欠商行", payment_behaviour="经常拖欠",
                             classes={value: ids["value", "C"]})
        make_customer(s, rep, name="新客户", classes={life: ids["lifecycle", "target"]})  # no facts: no suggestion
    return manager, rep, schemes, ids, ordering.id, late.id


def test_suggestions_follow_the_rules_and_the_users_visibility(office):
    manager, rep, schemes, ids, ordering, late = office
    with session_scope() as s:
        value = load_suggestions(s, manager, schemes["value"].id, CustomerFilter(), TODAY)
        life = load_suggestions(s, manager, schemes["lifecycle"].id, CustomerFilter(), TODAY)
        own = load_suggestions(s, rep, schemes["value"].id, CustomerFilter(), TODAY)
        none = load_suggestions(s, manager, schemes["importance"].id, CustomerFilter(), TODAY)
    assert [(p.name, p.from_name, p.to_name, p.reason) for p in value] == [
        ("好运来", "D 普通", "B 优质", "近 12 个月销量 1300"),
        ("拖欠商行", "C 培养型", "E 计划淘汰", "回款表现：经常拖欠")]
    assert [(p.name, p.to_name, p.reason) for p in life] == [("好运来", "新签客户", "2026年03月首次进货")]
    assert [p.name for p in own] == ["好运来"]  # a rep sees suggestions for their own customers only
    assert none == []


def test_accepting_moves_with_the_rules_reason_and_refuses_a_stale_suggestion(office):
    manager, _, schemes, ids, ordering, late = office
    scheme_id = schemes["value"].id
    with session_scope() as s:
        pending = load_suggestions(s, manager, scheme_id, CustomerFilter(), TODAY)
    with session_scope() as s:
        assert accept(s, manager, scheme_id, pending) == 2
    with session_scope() as s:
        assert s.get(CustomerClass, (late, scheme_id)).value_id == ids["value", "E"]
        assert list_history(s, entity="customer", entity_id=late)[0].reason == "规则建议：回款表现：经常拖欠"
        assert len(s.scalars(select(ClassMovement)).all()) == 2
        assert load_suggestions(s, manager, scheme_id, CustomerFilter(), TODAY) == []
    with pytest.raises(ConflictError, match="李经理刚刚已把这位客户移到「B 优质」"):  # accepting the same list again
        with session_scope() as s:
            accept(s, manager, scheme_id, pending)
