"""公海 in AppTest: a rep sees a pooled customer without its phone and claims it."""
import datetime as dt

from db.engine import session_scope
from db.models import Customer
from db.pool import release
from db.read_log import search
from domain import roles as R
from domain.formatting import local_today
from tests.factories import make_user
from tests.pages.apptest import open_page, shown


def test_a_rep_claims_from_the_pool(people):
    users, customer_id = people
    with session_scope() as s:
        release(s, users[R.REP], customer_id, "客户暂停进货")
        phone = s.get(Customer, customer_id).phone
        newcomer = make_user(s, R.REP, name="新同事", supervisor=users[R.MANAGER])
    at = open_page("pages/pool.py", newcomer)
    shown = at.dataframe[0].value
    assert len(shown) == 1 and phone not in shown.to_string()
    assert [m.value for m in at.metric] == ["0 / 5", "0 / 300"]
    at.selectbox(key="pool_pick").select(customer_id).run()
    at.button(key="pool_claim").click().run()
    assert not at.exception, at.exception
    assert "现在由您负责跟进" in at.success[0].value
    assert [i.value for i in at.info] == ["公海里没有符合条件的客户。"]
    with session_scope() as s:
        customer = s.get(Customer, customer_id)
        assert customer.owner_id == newcomer.id and customer.owner_since is not None


def test_the_previous_owner_is_refused_in_chinese(people):
    users, customer_id = people
    with session_scope() as s:
        release(s, users[R.REP], customer_id, "客户暂停进货")
    at = open_page("pages/pool.py", users[R.REP])
    at.selectbox(key="pool_pick").select(customer_id).run()
    at.button(key="pool_claim").click().run()
    free = local_today() + dt.timedelta(days=30)
    assert shown(at.error)[0].endswith(f"{free:%Y-%m-%d} 起您才能再次认领")
    with session_scope() as s:
        assert s.get(Customer, customer_id).owner_id is None
        refusals = search(s, users[R.MANAGER], start=local_today(), end=local_today())
    assert [(r.what, r.customer) for r in refusals][0][0] == "被拒绝"  # the attempt is logged
