"""驾驶舱 filters and the URL: the URL holds what differs from the default view; a link with
filters sets the pickers; a rerun that brings back a URL this session wrote earlier (it left the
browser before the newest filter) does not undo them."""
from domain import roles as R
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
