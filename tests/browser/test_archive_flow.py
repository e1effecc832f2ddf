"""The main path in a real browser: a rep files an archive (with contacts and a product in the
grids), meets the duplicate warning on a second one, edits the first with a reason and sees it in
the history; the manager approves it from the review queue."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, screenshot
from tests.browser.ui import (
    choose,
    click_when_settled,
    editor_add_row,
    expect_grid_row,
    expect_login_form,
    fill,
    login,
    open_from_sidebar,
    open_row,
    open_tab,
    sidebar,
    submit_login,
    visible_grid,
)

PHONE = "020-87654321"
FIRST = {"name": "广州珠江明月酒业有限公司", "address": "广州市天河区体育西路100号"}
SECOND = "广州珠江明月酒业（番禺分店）"
NEW_ADDRESS = "广州市越秀区中山五路200号"
REASON = "客户搬迁到越秀区新店"
ARCHIVE_NO = re.compile(r"KD-GD-\d{4}-\d{5}")


def _customer_id(page: Page) -> int:
    return int(parse_qs(urlparse(page.url).query)["id"][0])


def _fill_basics(page: Page, name: str, address: str | None = None) -> None:
    panel = open_tab(page, "基本信息")
    fill(panel, "客户名称 *", name)
    choose(page, "客户类型 *", "经销商/批发", scope=panel)
    choose(page, "省份 *", "广东", scope=panel)
    fill(panel, "城市", "广州")
    if address:
        fill(panel, "地址", address)
    fill(panel, "电话", PHONE)


def _archive_no_on_detail(page: Page, name: str, state: str) -> str:
    expect(page.get_by_role("heading", name=name, exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    caption = page.get_by_text(re.compile(rf"^档案号 KD-GD-\d{{4}}-\d{{5}} · {state} · "))
    expect(caption).to_be_visible(timeout=TIMEOUT_MS)
    return ARCHIVE_NO.search(caption.inner_text()).group(0)


def test_archive_flow(new_page, app_server):
    page = new_page()
    login(page, app_server, "rep1", "张业务")

    # --- 档案录入: the first archive, with two contacts and one product ---
    open_from_sidebar(page, "档案录入")
    _fill_basics(page, FIRST["name"], FIRST["address"])

    contacts = open_tab(page, "联系人")
    grid = visible_grid(contacts)
    expect(grid).to_be_visible()
    editor_add_row(page, grid, ["王明", None, "总经理", "13800138000"])
    editor_add_row(page, grid, ["李娜", None, "采购主管", "13900139000"])
    screenshot(page, "flow_01_contacts")

    products = open_tab(page, "产品与竞品")
    product_grid = visible_grid(products).first  # 进店产品; 竞品 is the second grid
    editor_add_row(page, product_grid, ["五粮春 52度 500ml", "180", "268", "本公司"])
    screenshot(page, "flow_02_products")

    click_when_settled(page, page.get_by_role("button", name="保存档案"))
    first_no = _archive_no_on_detail(page, FIRST["name"], "待审核")
    first_id = _customer_id(page)
    expect(page.get_by_text(f"已创建档案 {first_no}")).to_be_visible()
    card = page.get_by_role("tabpanel", name="资料卡")
    for text in ("王明", "13800138000", "李娜", "13900139000", "五粮春 52度 500ml", FIRST["address"]):
        expect(card.get_by_text(text, exact=True).first).to_be_visible()
    screenshot(page, "flow_03_created")

    # --- a second archive with the same phone: the duplicate warning names the first ---
    open_from_sidebar(page, "档案录入")
    _fill_basics(page, SECOND)
    click_when_settled(page, page.get_by_role("button", name="保存档案"))
    expect(page.get_by_text(re.compile("可能重复"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("link", name=re.compile(rf"{first_no} · {re.escape(FIRST['name'])} · 电话 {PHONE}"))
           ).to_be_visible()
    expect(page.get_by_role("heading", name="档案录入")).to_be_visible()  # nothing saved yet
    screenshot(page, "flow_04_duplicate_warning")
    confirm = page.get_by_role("button", name="确认保存")
    expect(confirm).to_be_disabled()
    page.get_by_text("我已核对，这是不同的客户，仍要保存").click()
    expect(confirm).to_be_enabled(timeout=TIMEOUT_MS)
    click_when_settled(page, confirm)
    second_no = _archive_no_on_detail(page, SECOND, "待审核")
    assert second_no != first_no

    # --- edit the first archive's address with a reason; the history shows it ---
    open_from_sidebar(page, "客户档案")
    page.get_by_label("搜索", exact=True).fill(first_no)
    page.get_by_label("搜索", exact=True).press("Enter")
    expect(page.get_by_test_id("stMetricValue")).to_have_text("1 份", timeout=TIMEOUT_MS)
    table = visible_grid(page)
    expect_grid_row(table, [first_no, FIRST["name"]])
    open_row(page, table, first_no, "档案号", opened=page.get_by_role("heading", name=FIRST["name"], exact=True))
    _archive_no_on_detail(page, FIRST["name"], "待审核")
    assert _customer_id(page) == first_id

    edit = open_tab(page, "编辑")
    address = edit.get_by_label("地址", exact=True)
    expect(address).to_have_value(FIRST["address"])
    fill(edit, "地址", NEW_ADDRESS)
    fill(page, "修改原因 *", REASON)
    click_when_settled(page, page.get_by_role("button", name="保存修改"))
    expect(page.get_by_text("修改已保存，并记入历史")).to_be_visible(timeout=TIMEOUT_MS)

    history = open_tab(page, "历史")
    history_grid = visible_grid(history)
    row = expect_grid_row(history_grid, ["", "张业务", "修改", "地址", FIRST["address"], NEW_ADDRESS, REASON])
    assert row[3:7] == ["地址", FIRST["address"], NEW_ADDRESS, REASON]
    screenshot(page, "flow_05_history")

    # --- log out; the manager approves it from the review queue ---
    click_when_settled(page, sidebar(page).get_by_role("button", name="退出登录"))
    expect_login_form(page)
    page.wait_for_timeout(1500)  # the cookie component reruns the page once; the notice must stay
    expect(page.get_by_text("您已安全退出。")).to_be_visible()
    submit_login(page, "mgr")
    expect(sidebar(page).get_by_text("李经理 · 销售经理")).to_be_visible(timeout=TIMEOUT_MS)
    open_from_sidebar(page, "审核队列")
    queue = visible_grid(page)
    expect_grid_row(queue, [first_no, FIRST["name"]])
    expect_grid_row(queue, [second_no, SECOND])
    screenshot(page, "flow_06_review_queue")
    open_row(page, queue, first_no, "档案号", opened=page.get_by_role("heading", name=FIRST["name"], exact=True))
    _archive_no_on_detail(page, FIRST["name"], "待审核")
    expect(page.get_by_text("这份档案等待您审核")).to_be_visible()
    click_when_settled(page, page.get_by_role("button", name="审核通过，归档"))
    expect(page.get_by_text("已审核通过并归档")).to_be_visible(timeout=TIMEOUT_MS)
    _archive_no_on_detail(page, FIRST["name"], "已归档")
    expect(page.get_by_role("button", name="审核通过，归档")).to_have_count(0)
    screenshot(page, "flow_07_filed")
