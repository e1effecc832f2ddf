"""驾驶舱 in real Chromium: the charts draw (Vega) with Chinese text, a click on a bar lists the
customers behind it with links to their archives, and the filters live in the URL."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from db.models import User
from db.seed import ensure_reference_data
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, start_server, team
from tests.browser.ui import login, open_from_sidebar, screenshot_page, settle

NAMES = ["深圳好运来大酒店", "广州金百合酒楼", "佛山福满楼"]


def key_accounts(session, server) -> None:
    """Three 重点客户 of rep1 in 广东, so 按分类 has a single bar filling the chart."""
    team(session, server)
    ensure_reference_data(session)
    key = factories.class_value(session, "importance", "key")
    rep = session.get(User, server.ids["rep1"])
    for name in NAMES:
        factories.make_customer(session, rep, name=name, province="广东", classes={key.scheme_id: key.id})


@pytest.fixture
def dashboard_server(chromium_browser, tmp_path_factory):
    yield from start_server(tmp_path_factory, key_accounts)


def charts(page):
    return page.get_by_test_id("stVegaLiteChart")


def test_charts_draw_and_a_bar_lists_its_customers(dashboard_server, new_page):
    page = new_page()
    login(page, dashboard_server, "mgr", "李经理")
    open_from_sidebar(page, "驾驶舱")
    expect(charts(page).first.locator("canvas, svg").first).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    assert charts(page).count() >= 5  # charts without data say 暂无数据 instead
    expect(page.get_by_text("按分类（重要性）")).to_be_visible()
    assert "?" not in page.url  # the default view: a bookmark of it stays "the last 90 days"
    screenshot_page(page, "dashboard")

    by_class = charts(page).first
    box = by_class.locator("canvas, svg").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45)
    expect(page.get_by_text("分类「重点客户」的客户（3）")).to_be_visible(timeout=TIMEOUT_MS)
    for name in NAMES:  # the list is a canvas grid; its accessible table holds the rows on screen
        expect(page.get_by_text(name, exact=True)).to_be_attached()
    screenshot_page(page, "dashboard_drill_down")


def test_a_bookmarked_view_opens_with_its_filters(dashboard_server, new_page):
    page = new_page()
    login(page, dashboard_server, "mgr", "李经理")
    page.goto(dashboard_server.page_url("dashboard?from=2026-01-01&to=2026-06-30&province=四川"))
    expect(page.get_by_role("heading", name="驾驶舱", exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)  # the deep link draws the page twice (login cookie); wait for the last run
    expect(page.get_by_label("区域", exact=True)).to_have_value("四川")
    metric = page.get_by_test_id("stMetric").filter(has_text="在用客户")
    expect(metric).to_contain_text("0")  # nobody in 四川
    assert "province=%E5%9B%9B%E5%B7%9D" in page.url or "province=四川" in page.url
