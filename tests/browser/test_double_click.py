"""A double click on 保存跟进记录 saves one follow-up, and the form comes back empty (a user once found
two identical records after clicking twice)."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from db.engine import session_scope
from db.models import User
from db.models_followups import FollowUp
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, AppServer, screenshot, start_server, team
from tests.browser.ui import login, open_tab, settle


def _team_and_customer(session, server: AppServer) -> None:
    team(session, server)
    customer = factories.make_customer(session, session.get(User, server.ids["rep1"]), name="双击测试酒楼")
    server.ids["customer"] = customer.id


@pytest.fixture(scope="module")
def server(chromium_browser, tmp_path_factory):
    yield from start_server(tmp_path_factory, _team_and_customer)


def test_a_double_clicked_follow_up_is_saved_once(new_page, server):
    page = new_page()
    login(page, server, "rep1", "张业务")
    page.goto(server.page_url(f"archive?id={server.ids['customer']}"))
    panel = open_tab(page, "跟进")
    box = panel.get_by_label("跟进情况 *")
    box.fill("客户要新品价格表")
    box.press("Tab")
    settle(page)
    panel.get_by_role("button", name="保存跟进记录").dblclick()
    expect(page.get_by_text("跟进记录已保存").first).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    time.sleep(1)
    screenshot(page, "double_click_follow_up")
    with session_scope(server.db_url) as s:
        assert s.scalar(select(func.count()).select_from(FollowUp)) == 1
    expect(open_tab(page, "跟进").get_by_label("跟进情况 *")).to_have_value("")
