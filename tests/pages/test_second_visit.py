"""A page opened, left and opened again works the second time (Streamlit forgets the widgets of a page
that is not drawn; a page that read them back as it left them crashed on its second visit)."""
import pytest

from domain import roles as R
from tests.pages.apptest import open_page

PAGES = ["pages/dashboard.py", "pages/archives.py", "pages/board.py", "pages/calendar.py", "pages/reports.py",
         "pages/receivables.py", "pages/market.py", "pages/pool.py"]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_opened_again_after_another_page_still_works(people, path):
    users, _ = people
    at = open_page(path, users[R.MANAGER])
    assert not at.exception, at.exception
    at.switch_page("pages/home.py").run()
    assert not at.exception, at.exception
    at.switch_page(path).run()
    assert not at.exception, at.exception
    assert not [e.value for e in at.error], [e.value for e in at.error]


def test_the_dashboard_keeps_its_filters_when_opened_again(people):
    users, _ = people
    at = open_page("pages/dashboard.py", users[R.MANAGER])
    next(s for s in at.selectbox if s.label == "区域").set_value("广东").run()
    at.switch_page("pages/archives.py").run()
    at.switch_page("pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert next(s for s in at.selectbox if s.label == "区域").value == "广东"
