"""客户档案 in a real browser: the customer's name in the list is a link; a click opens its archive
(in a new tab, where the login cookie keeps the user signed in)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from db.models import User
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, start_server, team
from tests.browser.ui import (
    HEADER_HEIGHT,
    ROW_HEIGHT,
    _canvas_box,
    expect_grid_row,
    grid_headers,
    login,
    open_from_sidebar,
    screenshot_page,
    settle,
    visible_grid,
)

NAME = "无锡好运来酒业有限公司"


def one_customer(session, server) -> None:
    team(session, server)
    customer = factories.make_customer(session, session.get(User, server.ids["rep1"]), name=NAME)
    server.ids["customer"] = customer.id
    server.names["archive_no"] = customer.archive_no


@pytest.fixture
def link_server(chromium_browser, tmp_path_factory):
    yield from start_server(tmp_path_factory, one_customer)


def _link_point(page, grid) -> tuple[float, float]:
    """Where the first row's link is on the canvas: the grid shows a pointer over a link's text."""
    box = _canvas_box(grid)
    y = box["y"] + HEADER_HEIGHT + ROW_HEIGHT / 2
    canvas = grid.get_by_test_id("data-grid-canvas")
    for x in range(int(box["x"]) + 40, int(box["x"] + box["width"]), 12):
        page.mouse.move(x, y)
        page.wait_for_timeout(40)
        if canvas.evaluate("c => getComputedStyle(c).cursor") == "pointer":
            return x, y
    raise AssertionError("no link in the first row")


def test_click_a_name_in_the_list_and_land_on_its_archive(link_server, new_page):
    page = new_page()
    login(page, link_server, "rep1", "张业务")
    open_from_sidebar(page, "客户档案")
    grid = visible_grid(page)
    expect_grid_row(grid, [link_server.names["archive_no"], NAME])  # the name, not the address
    assert grid_headers(grid)[:2] == ["档案号", "客户名称"]
    expect(page.get_by_text("点击客户名称在新标签页打开档案")).to_be_visible()
    screenshot_page(page, "list_name_links")
    settle(page)
    x, y = _link_point(page, grid)
    with page.context.expect_page(timeout=TIMEOUT_MS) as opened:
        page.mouse.click(x, y)
    archive = opened.value
    expect(archive.get_by_role("heading", name=NAME, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    assert archive.url.split("#")[0].endswith(f"/archive?id={link_server.ids['customer']}")
    # The new tab logs in from the cookie with a second run; until it ends, the first run's caption can
    # still be on screen beside the new one: wait for the one caption the page ends with.
    caption = archive.get_by_text(f"档案号 {link_server.names['archive_no']}")
    expect(caption).to_have_count(1, timeout=TIMEOUT_MS)
    expect(caption).to_be_visible()
    screenshot_page(archive, "list_name_link_opened")
