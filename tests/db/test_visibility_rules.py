"""Each visibility rule is written twice — a predicate over one loaded record (domain/permissions.py) and
a ``where`` clause for lists (db/visibility.py). Over every role and every kind of ownership (own, a
teammate's, another team's, a rep without a supervisor, the pool), the two must answer alike: what a
list shows is exactly what a deep link opens, reviews, exports."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from db import visibility as V
from db.engine import session_scope
from db.models import Customer, User
from domain import permissions as P
from domain import roles as R
from tests.factories import make_customer, make_user


@pytest.fixture
def office(db):
    """Two teams, a rep with no supervisor, every other role, and one customer per kind of owner."""
    with session_scope() as s:
        people = {"admin": make_user(s, R.ADMIN), "gm": make_user(s, R.GM), "archivist": make_user(s, R.ARCHIVIST),
                  "service": make_user(s, R.SERVICE), "m1": make_user(s, R.MANAGER), "m2": make_user(s, R.MANAGER)}
        people["r1"] = make_user(s, R.REP, supervisor=people["m1"])
        people["r1b"] = make_user(s, R.REP, supervisor=people["m1"])
        people["r2"] = make_user(s, R.REP, supervisor=people["m2"])
        people["loner"] = make_user(s, R.REP)  # no supervisor
        for owner in ("m1", "r1", "r1b", "r2", "m2", "loner"):
            make_customer(s, people[owner], name=f"{owner}的客户")
        pool = make_customer(s, people["admin"], name="公海的客户")
        pool.owner_id = None
    return people


def _customers(s) -> list[Customer]:
    return list(s.scalars(select(Customer).options(joinedload(Customer.owner)).order_by(Customer.id)))


def _ids(s, where) -> set[int]:
    owner = aliased(User)
    return set(s.scalars(select(Customer.id).outerjoin(owner, owner.id == Customer.owner_id).where(where)))


def test_the_predicate_and_the_clause_agree_for_every_role_and_owner(office):
    with session_scope() as s:
        customers = _customers(s)
        owner = aliased(User)
        for who, actor in office.items():
            listed = _ids(s, V.visible_customers(actor))
            opened = {c.id for c in customers if P.can_view(actor, c)}
            assert listed == opened, f"{who} sees different archives in a list and by a link"

            exported = _ids(s, V.exportable_customers(actor))
            allowed = {c.id for c in customers if P.can_export(actor, c)}
            assert exported == allowed, f"{who} exports different archives from a list and from the card"

            reviewable = set(s.scalars(select(Customer.id).outerjoin(owner, owner.id == Customer.owner_id)
                                       .where(V.reviewable_customers(actor, owner.supervisor_id))))
            may_review = {c.id for c in customers
                          if P.can_review(actor, c, c.owner.supervisor_id if c.owner else None)}
            assert reviewable == may_review, f"{who}'s review queue differs from what they may review"


def test_whose_follow_ups_a_supervisor_reviews_is_one_rule(office):
    with session_scope() as s:
        users = list(s.scalars(select(User)))
        for who, actor in office.items():
            queue = set(s.scalars(select(User.id).where(
                V.reviewable_follow_ups(actor, User.id, User.supervisor_id))))
            may = {u.id for u in users if P.can_review_follow_up(actor, u.id, u.supervisor_id)}
            assert queue == may, f"{who} reviews different people's follow-ups in the queue and on a record"


def test_a_manager_sees_their_team_and_the_pool_a_rep_only_their_own(office):
    """The matrix above in words, so a change to both sides at once still shows."""
    with session_scope() as s:
        def names(who):
            return sorted(c.name for c in _customers(s) if c.id in _ids(s, V.visible_customers(office[who])))
        assert names("m1") == ["m1的客户", "r1b的客户", "r1的客户", "公海的客户"]
        assert names("r1") == ["r1的客户"]
        assert names("loner") == ["loner的客户"]
        assert names("service") == []  # customer service sees what the admin grants; nothing by default
        assert len(names("gm")) == len(names("archivist")) == 7
