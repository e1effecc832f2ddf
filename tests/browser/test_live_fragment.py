"""An open 驾驶舱 refreshes its figures on a timer (a fragment, which skips the page's own login check).
Once the user is disabled, the next refresh shows the login form, not new figures (issue 20 item 1)."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from db.engine import session_scope
from db.models import User
from db.users import set_user_active
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, AppServer, screenshot, start_server, team
from tests.browser.ui import login, open_from_sidebar, settle

REFRESH_SECONDS = 3


def _team_and_customer(session, server: AppServer) -> None:
    team(session, server)
    factories.make_customer(session, session.get(User, server.ids["rep1"]), name="驾驶舱测试客户")


@pytest.fixture
def server(chromium_browser, tmp_path_factory):
    os.environ["KEDANG_LIVE_SECONDS"] = str(REFRESH_SECONDS)  # the server inherits it
    try:
        yield from start_server(tmp_path_factory, _team_and_customer)
    finally:
        os.environ.pop("KEDANG_LIVE_SECONDS", None)


def test_a_disabled_users_open_dashboard_shows_the_login_at_its_next_refresh(new_page, server):
    page = new_page()
    login(page, server, "rep1", "张业务")
    open_from_sidebar(page, "驾驶舱")
    expect(page.get_by_text(f"自动刷新（每 {REFRESH_SECONDS} 秒）")).to_be_visible()
    settle(page)
    with session_scope(server.db_url) as s:
        set_user_active(s, actor_id=server.ids["admin"], user_id=server.ids["rep1"], active=False)
    # nobody touches the page: only the timed refresh runs
    expect(page.get_by_role("button", name="登录", exact=True).first).to_be_visible(
        timeout=REFRESH_SECONDS * 1000 + TIMEOUT_MS)
    screenshot(page, "live_fragment_after_disable")
    expect(page.get_by_text("在用客户")).to_have_count(0)
