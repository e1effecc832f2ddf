"""Deep links on a freshly started server, not logged in: every page shows the login form and
nothing of the archives.

A server that has just started is a special case: until some session has run app.py past the
login gate, Streamlit has not seen st.navigation and serves the pages/ files directly by URL,
so each page's own require_user() is all that stands between a link and the data.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from db.models import User
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, AppServer, screenshot, start_server, team
from tests.browser.ui import expect_login_form, settle, sidebar, submit_login

SECRET_NAME = "深圳鹏城绝密测试贸易有限公司"
SECRET_PHONE = "0755-13572468"
SECRET_ADDRESS = "深圳市南山区保密路9号"


def _team_and_secret_customer(session, server: AppServer) -> None:
    team(session, server)
    rep = session.get(User, server.ids["rep1"])
    customer = factories.make_customer(session, rep, name=SECRET_NAME, phone=SECRET_PHONE, address=SECRET_ADDRESS,
                                       contacts=[{"name": "赵保密", "role": "负责人", "mobile": "13712345678"}])
    server.ids["customer"] = customer.id
    server.names["archive_no"] = customer.archive_no


@pytest.fixture
def fresh_server(chromium_browser, tmp_path_factory):
    """A server started for one test, with nothing requested from it before the test."""
    yield from start_server(tmp_path_factory, _team_and_secret_customer)


def test_fresh_server_deep_link_guard(new_page, fresh_server):
    secrets = [SECRET_NAME, SECRET_PHONE, SECRET_ADDRESS, "赵保密", "13712345678", fresh_server.names["archive_no"]]
    paths = ["archives", "new", f"archive?id={fresh_server.ids['customer']}", "review", "users", "home", "import",
             "read-log", "dashboard"]
    page = new_page()
    for path in paths:
        page.goto(fresh_server.page_url(path))
        expect_login_form(page)
        screenshot(page, "guard_" + re.sub(r"\W", "_", path))
        body = page.locator("body").inner_text()
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"/{path} 未登录即显示了档案内容：{leaked}"
        assert "not found" not in body.lower(), f"/{path}: Streamlit 的英文「Page not found」"
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(sidebar(page).get_by_role("button", name="退出登录")).to_have_count(0)


def test_fresh_server_login_from_deep_link_gets_app_navigation(new_page, fresh_server):
    """Logging in on such a page goes once through app.py (components/auth.py), so the user
    gets the role navigation and 退出登录, lands back on the linked archive, and stays logged in."""
    page = new_page()
    page.goto(fresh_server.page_url(f"archive?id={fresh_server.ids['customer']}"))
    submit_login(page, "rep1")
    expect(page.get_by_role("heading", name=SECRET_NAME, exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    screenshot(page, "guard_deep_link_login")
    expect(sidebar(page).get_by_role("button", name="退出登录")).to_be_visible(timeout=TIMEOUT_MS)
    expect(sidebar(page).get_by_role("link", name="今日待办", exact=True)).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name=SECRET_NAME, exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("button", name="登录", exact=True)).to_have_count(0)


@pytest.fixture
def fresh_team_server(chromium_browser, tmp_path_factory):
    """A fresh server with the usual team only (mgr sees the team's 驾驶舱)."""
    yield from start_server(tmp_path_factory, team)


def test_fresh_server_login_from_dashboard_deep_link_lands_on_dashboard(new_page, fresh_team_server):
    """The 驾驶舱's link with a filter, logged out, on a fresh server: after the login the user is on
    the 驾驶舱 (not 今日待办) with the link's 区域 filter."""
    page = new_page()
    page.goto(fresh_team_server.page_url("dashboard?province=广东"))
    submit_login(page, "mgr")
    expect(page.get_by_role("heading", name="驾驶舱", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    expect(page.get_by_role("heading", name="驾驶舱", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^您好，"))).to_have_count(0)
    # Until the run that follows the login has finished, the page can still show the previous run's
    # filter row beside the new one: wait for the one row the page ends with.
    province = page.get_by_label("区域", exact=True)
    expect(province).to_have_count(1, timeout=TIMEOUT_MS)
    expect(province).to_have_value("广东")
    assert "province=" in page.url
    screenshot(page, "guard_dashboard_deep_link_login")
