"""The team every page test logs in as: one user per role and a customer of the rep."""
import pytest

from db.access import ALL, set_service_scope
from db.engine import session_scope
from domain import roles as R
from tests.factories import make_customer, make_user


@pytest.fixture
def people(db):
    with session_scope() as s:
        users = {role: make_user(s, role, password="Page-test-password-1") for role in
                 (R.ADMIN, R.MANAGER, R.SERVICE, R.ARCHIVIST, R.GM)}
        users[R.REP] = make_user(s, R.REP, supervisor=users[R.MANAGER])
        set_service_scope(s, users[R.ADMIN], users[R.SERVICE].id, [ALL])  # customer service answers for everyone
        customer = make_customer(s, users[R.REP], name="页面测试客户",
                                 contacts=[{"name": "张三", "role": "负责人", "mobile": "13800138000",
                                            "birthday": "1978-04-05"}],
                                 sales=[{"product": "剑南春", 1: 3}],
                                 products=[{"product": "剑南春", "shelf_price": 420}])
    return users, customer.id
