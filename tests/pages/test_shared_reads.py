"""The list's count, the board and the calendar are shared by every session through one cache;
a save shows at once, also when another app process made it."""
from components import shared_reads
from db.engine import session_scope
from domain import roles as R
from tests.factories import make_customer
from tests.pages.apptest import open_page


def total(at) -> str:
    return next(m.value for m in at.metric if m.label == "共")


def test_a_save_in_another_app_process_shows_at_once(people, monkeypatch):
    users, _ = people
    # This process's own write counter stands still, as it does for a save made by another process.
    monkeypatch.setattr(shared_reads, "data_version", lambda: 0)
    at = open_page("pages/archives.py", users[R.MANAGER])
    assert total(at) == "1 份"
    with session_scope() as s:
        make_customer(s, users[R.REP], name="另一进程新建的客户")
    at.run()
    assert total(at) == "2 份"


def test_two_people_in_one_cache_see_only_their_own(people):
    users, _ = people
    with session_scope() as s:
        make_customer(s, users[R.MANAGER], name="经理自己的客户")
    manager = open_page("pages/archives.py", users[R.MANAGER])
    rep = open_page("pages/archives.py", users[R.REP])
    assert (total(manager), total(rep)) == ("2 份", "1 份")
