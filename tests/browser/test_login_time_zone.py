"""The office's browsers run on China time (UTC+8) while the server may run on UTC: a login must
survive F5 there too. The library wrote the cookie's expiry in the server's clock without a zone,
which the browser read as its own local time: in China an 8-hour cookie had expired on arrival."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from components.auth import COOKIE_NAME
from tests.browser.patient import SLOW_MS, login_cookie
from tests.browser.ui import login, settle, sidebar


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Los_Angeles"])
def test_a_login_survives_f5_in_the_browsers_time_zone(new_page, app_server, zone):
    page = new_page(timezone_id=zone)
    login(page, app_server, "rep1", "张业务")
    login_cookie(page)
    expires = next(c["expires"] for c in page.context.cookies() if c["name"] == COOKIE_NAME)
    assert expires > page.evaluate("() => Date.now() / 1000") + 3600  # hours ahead, in any zone
    page.reload(wait_until="domcontentloaded", timeout=SLOW_MS)
    expect(sidebar(page).get_by_role("button", name="退出登录").first).to_be_visible(timeout=SLOW_MS)
    settle(page)
    expect(page.get_by_role("button", name="登录", exact=True)).to_have_count(0)
