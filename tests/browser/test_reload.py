"""F5 on an archive: the browser may rejoin its old server session (Streamlit keeps it for a while).
Either way the page comes back whole: the card shows the archive, and the 编辑 form holds its values
— never an empty form that a save would write back."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from db.models import User
from tests import factories
from tests.browser.conftest import start_server, team
from tests.browser.patient import SLOW_MS, goto, login_and_keep_cookie, settle_slowly
from tests.browser.ui import open_tab

NAME = "成都锦江宾馆"
ADDRESS = "成都市锦江区红星路二段80号"


def reload_data(session, server) -> None:
    team(session, server)
    customer = factories.make_customer(session, session.get(User, server.ids["rep1"]), name=NAME, address=ADDRESS,
                                       province="四川", city="成都")
    server.ids.update(customer=customer.id)


@pytest.fixture(scope="module")
def reload_server(chromium_browser, tmp_path_factory):
    yield from start_server(tmp_path_factory, reload_data)


def test_f5_on_the_edit_tab_brings_back_the_filled_form(new_page, reload_server):
    page = new_page()
    login_and_keep_cookie(page, reload_server, "rep1", "张业务")
    goto(page, reload_server, f"archive?id={reload_server.ids['customer']}", NAME)
    for _ in range(3):
        panel = open_tab(page, "编辑")
        expect(panel.get_by_label("客户名称 *")).to_have_value(NAME, timeout=SLOW_MS)
        expect(panel.get_by_label("地址")).to_have_value(ADDRESS, timeout=SLOW_MS)
        page.reload(wait_until="domcontentloaded", timeout=SLOW_MS)
        expect(page.get_by_role("heading", name=NAME, exact=True).first).to_be_visible(timeout=SLOW_MS)
        settle_slowly(page)
        card = open_tab(page, "资料卡")
        expect(card.get_by_text(ADDRESS, exact=True).first).to_be_visible(timeout=SLOW_MS)
