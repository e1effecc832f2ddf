"""驾驶舱: the URL holds what differs from the default view; a link with filters sets the pickers;
a rerun that brings back a URL this session wrote earlier (it left the browser before the newest
filter) does not undo them; after a save the figures are recounted in the background."""
import threading
from concurrent.futures import ThreadPoolExecutor

from components import dashboard_data
from db.engine import session_scope
from domain import roles as R
from tests.factories import make_customer
from tests.pages.apptest import open_page


def province(at) -> str:
    return next(s for s in at.selectbox if s.label == "区域").value


def test_the_default_view_leaves_the_url_clean_and_a_picked_filter_goes_into_it(people):
    users, _ = people
    at = open_page("pages/dashboard.py", users[R.MANAGER])  # the sidebar link: no parameters
    assert province(at) == ""
    assert at.query_params == {}
    next(s for s in at.selectbox if s.label == "区域").set_value("广东").run()
    assert at.query_params == {"province": "广东"}


def test_a_linked_view_is_not_undone_by_an_older_url_of_the_same_session(people):
    users, _ = people
    at = open_page("pages/dashboard.py", users[R.MANAGER])
    next(s for s in at.selectbox if s.label == "区域").set_value("广东").run()  # written to the URL
    at.query_params["province"] = "四川"  # then a link to 四川 opened in this session
    at.run()
    assert province(at) == "四川"
    at.query_params["province"] = "广东"  # the rerun that left with the old URL
    at.run()
    assert not at.exception, at.exception
    assert province(at) == "四川"


def active_customers(at) -> str:
    return next(m for m in at.metric if m.label == "在用客户").value


def status_line(at) -> str:
    return next(c.value for c in at.caption if "待审核" in c.value)


def test_after_a_save_the_figures_on_screen_stay_until_the_new_ones_are_in(people, monkeypatch, request):
    """The recount runs in the background (over a second at 100k customers); until it is in, the
    dashboard keeps the figures it drew, says it is updating, and then shows the new ones."""
    users, _ = people
    gate = threading.Event()
    refresher = ThreadPoolExecutor(max_workers=1)
    refresher.submit(gate.wait, 60)  # the recount queues behind this until the test lets it go
    request.addfinalizer(gate.set)  # also when the test fails: the worker must not hold up the exit
    monkeypatch.setattr(dashboard_data, "_REFRESHER", refresher)
    at = open_page("pages/dashboard.py", users[R.MANAGER])
    assert active_customers(at) == "1" and status_line(at).startswith("更新于")
    with session_scope() as s:
        make_customer(s, users[R.REP], name="刚保存的客户")
    at.run()
    assert not at.exception, at.exception
    assert active_customers(at) == "1"
    assert status_line(at).startswith("正在更新")
    gate.set()
    refresher.shutdown(wait=True)
    at.run()
    assert active_customers(at) == "2"
    assert status_line(at).startswith("更新于")
