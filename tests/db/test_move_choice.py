"""Renaming a choice in a migration (docs/architecture.md, "Changing a field's choices"): the stored
words move to the new ones, other values stay, and each moved archive's 历史 says what changed and why."""
from sqlalchemy import select

from db.audit import list_history
from db.derived import move_choice
from db.engine import get_engine, session_scope
from db.models import Customer, User
from domain import roles as R
from tests.factories import make_customer, make_user


def test_moving_a_choice_rewrites_only_those_archives_and_says_so(db):
    with session_scope() as s:
        admin = make_user(s, R.ADMIN)
        shop = make_customer(s, admin, name="某某超市", customer_type="商超终端").id
        dealer = make_customer(s, admin, name="某某批发部", customer_type="经销商/批发").id
    with get_engine().begin() as bind:  # what a migration's op.get_bind() gives
        assert move_choice(bind, "customer_type", {"商超终端": "超市卖场"},
                           "客户类型「商超终端」改名为「超市卖场」") == 1
    with session_scope() as s:
        types = dict(s.execute(select(Customer.id, Customer.customer_type)).all())
        assert types == {shop: "超市卖场", dealer: "经销商/批发"}
        [latest, *_] = list_history(s, entity="customer", entity_id=shop)
        assert latest.action == "choice_renamed" and latest.reason == "客户类型「商超终端」改名为「超市卖场」"
        assert latest.changes == [{"field": "customer_type", "label": "客户类型", "old": "商超终端", "new": "超市卖场"}]
        assert latest.actor_id is None and s.get(User, admin.id) is not None
        assert [e.action for e in list_history(s, entity="customer", entity_id=dealer)] == ["create"]
