"""驾驶舱 filters and the URL: a link with filters sets the pickers; a rerun that brings back a URL
this session wrote earlier (it left the browser before the newest filter) does not undo them."""
from domain import roles as R
from tests.pages.apptest import open_page


def province(at) -> str:
    return next(s for s in at.selectbox if s.label == "区域").value


def test_a_linked_view_is_not_undone_by_an_older_url_of_the_same_session(people):
    users, _ = people
    at = open_page("pages/dashboard.py", users[R.MANAGER])  # no filters in the URL: the default view
    assert province(at) == ""
    default_view = dict(at.session_state["dash_written"][0])
    at.query_params["province"] = "四川"  # a link to 四川 opened in this session
    at.run()
    assert province(at) == "四川"
    for name, value in default_view.items():  # the rerun that left with the old URL
        at.query_params[name] = value
    at.query_params.pop("province", None)
    at.run()
    assert not at.exception, at.exception
    assert province(at) == "四川"
