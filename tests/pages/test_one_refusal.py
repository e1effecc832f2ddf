"""An id that does not exist and one the user may not see read alike, on the archive's deep link and on
the 借阅 page (issue 20 item 4); only the refused one is kept in the 查阅记录 log, as before."""
from db.engine import session_scope
from db.models import Customer
from db.read_log import search
from domain import roles as R
from domain.formatting import local_today
from domain.matches import NOT_VISIBLE
from tests.factories import make_user
from tests.pages.apptest import open_page

MISSING = 987654


def _seen(at) -> dict:
    """What the reader sees of a page, apart from the id in its address."""
    return {"error": [e.value for e in at.error], "info": [e.value for e in at.info],
            "links": [(link.proto.label, link.proto.page) for link in at.get("page_link")],
            "inputs": [(t.label, t.value) for t in at.text_input],
            "text": [str(m.value) for m in (*at.markdown, *at.caption, *at.title)]}


def test_a_missing_archive_and_a_colleagues_read_the_same(people):
    users, customer_id = people
    with session_scope() as s:
        stranger = make_user(s, R.REP)
        number = s.get(Customer, customer_id).archive_no
    refused = open_page("pages/archive.py", stranger, id=str(customer_id))
    missing = open_page("pages/archive.py", stranger, id=str(MISSING))
    assert not refused.exception and not missing.exception
    assert _seen(refused) == _seen(missing)
    assert _seen(refused)["error"] == [NOT_VISIBLE]
    assert ("申请借阅这份档案", "access") in [(label, page.split("/")[-1].removesuffix(".py"))
                                          for label, page in _seen(refused)["links"]]
    with session_scope() as s:  # the refused one is in the 查阅记录 search, as before
        rows = search(s, users[R.MANAGER], start=local_today(), end=local_today())
    assert [r.customer_id for r in rows if r.what == "被拒绝"] == [customer_id]

    borrow = open_page("pages/access.py", stranger, customer=str(customer_id))
    borrow_missing = open_page("pages/access.py", stranger, customer=str(MISSING))
    assert _seen(borrow) == _seen(borrow_missing)
    assert number not in repr(_seen(borrow)) and "页面测试客户" not in repr(_seen(borrow))
