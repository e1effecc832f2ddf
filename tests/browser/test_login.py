"""Login in a real browser: wrong passwords lock the account, and a locked account stays shut
even with the right password."""
from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import TIMEOUT_MS, screenshot
from tests.browser.ui import (
    COOKIE_SETTLE_SECONDS,
    after_rerun,
    click_when_settled,
    expect_login_form,
    settle,
    sidebar,
    submit_login,
)

WRONG = "Wrong-password-0000"
FAILED = "用户名或密码错误"
LOCKED = "该账户已锁定"


def _submit(page, username: str, password: str) -> str:
    """Submit the login form once the page is quiet (each failure must reach the server to be
    counted) and return the message the user then sees, once that run and its follow-ups are over."""
    settle(page)
    after_rerun(page, lambda: submit_login(page, username, password))
    settle(page)
    alert = page.get_by_test_id("stAlert")
    expect(alert).to_be_visible(timeout=TIMEOUT_MS)
    return alert.inner_text()


def test_login_lockout(new_page, app_server):
    page = new_page()
    page.goto(app_server.url + "/")
    expect_login_form(page)

    for attempt in range(1, 5):
        message = _submit(page, "locky", WRONG)
        assert FAILED in message and LOCKED not in message, f"第 {attempt} 次：{message}"

    message = _submit(page, "locky", WRONG)  # the fifth wrong password locks the account
    assert "锁定" in message and LOCKED in message, message
    screenshot(page, "login_01_locked")

    message = _submit(page, "locky", factories.PASSWORD)  # the right password, but locked
    assert LOCKED in message, message
    expect_login_form(page)
    expect(sidebar(page).get_by_role("button", name="退出登录")).to_have_count(0)
    expect(page.get_by_text("锁定测试员")).to_have_count(0)
    screenshot(page, "login_02_locked_right_password")


def test_login_and_logout(new_page, app_server):
    """The right password opens the app with the admin's sidebar and a reload stays logged in;
    after 退出登录 the form is back and a reload no longer logs in from the cookie."""
    page = new_page()
    page.goto(app_server.url + "/")
    submit_login(page, "admin")
    expect(page.get_by_role("heading", name="您好，管理员甲")).to_be_visible(timeout=TIMEOUT_MS)
    for link in ("今日待办", "客户档案", "档案录入", "审核队列", "用户管理"):
        expect(sidebar(page).get_by_role("link", name=link, exact=True)).to_be_visible()
    page.wait_for_timeout(COOKIE_SETTLE_SECONDS * 1000)  # the cookie is written a moment after the page
    page.reload()  # the cookie logs the user back in
    expect(page.get_by_role("heading", name="您好，管理员甲").first).to_be_visible(timeout=TIMEOUT_MS)
    click_when_settled(page, sidebar(page).get_by_role("button", name="退出登录"))
    expect_login_form(page)
    page.reload()
    expect_login_form(page)
    expect(page.get_by_role("heading", name="您好，管理员甲")).to_have_count(0)
