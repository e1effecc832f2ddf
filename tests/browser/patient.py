"""Browser helpers with more patience, for the attack tests that load many whole pages: on a busy
2-core machine one page load of the app can take longer than ui.py's 15 s."""
from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from components.auth import COOKIE_NAME
from tests.browser.conftest import STARTUP_SECONDS, TIMEOUT_MS, AppServer
from tests.browser.ui import login

SLOW_MS = 4 * TIMEOUT_MS


def warm_up(browser, server: AppServer) -> None:
    """Open the login page once and wait for it: the server's first script run (imports, the
    database check) is the slowest, and a test should not spend its patience on it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + "/", timeout=STARTUP_SECONDS * 1000)
        expect(page.get_by_role("button", name="登录", exact=True).first).to_be_visible(timeout=STARTUP_SECONDS * 1000)
    finally:
        context.close()


def settle_slowly(page: Page, quiet_ms: int = 700) -> None:
    """ui.settle() with SLOW_MS to wait: no script run for ``quiet_ms``."""
    page.wait_for_function(
        """quiet => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && performance.now() - window.__kdLastChange > quiet;
        }""", arg=quiet_ms, timeout=SLOW_MS)


def login_cookie(page: Page) -> str:
    """The login cookie's value once the browser holds it (a component writes it a moment after the
    page; on a busy machine later than ui.login's pause)."""
    deadline = time.monotonic() + SLOW_MS / 1000
    while True:
        for cookie in page.context.cookies():
            if cookie["name"] == COOKIE_NAME:
                return cookie["value"]
        assert time.monotonic() < deadline, "the login cookie was never written"
        page.wait_for_timeout(200)


def login_and_keep_cookie(page: Page, server: AppServer, username: str, name: str) -> str:
    """ui.login(), then wait for the cookie, so that page.goto() stays logged in; returns the cookie."""
    login(page, server, username, name)
    return login_cookie(page)


def goto(page: Page, server: AppServer, path: str, heading: str | None = None) -> None:
    """Open ``path`` of the app (a new page load: the cookie logs in again) and wait for ``heading``."""
    page.goto(server.page_url(path), wait_until="domcontentloaded", timeout=SLOW_MS)
    if heading:
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=SLOW_MS)
