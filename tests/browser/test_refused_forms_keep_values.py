"""A refused save keeps every typed value, in real Chromium (issue 21 item 4): the contract after
「结束日期不能早于开始日期」 (with the message under its box), the discount after 「请写明原因」, the
complaint, the receivable and the market note after a missing required value — and nothing is saved."""
from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from db.engine import session_scope
from db.models import User
from db.models_followups import Receivable
from db.models_papers import Complaint, Contract, Discount, MarketNote
from tests import factories
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.ui import login, open_tab, screenshot_page, settle


def _form(page: Page, panel: Locator | Page, opener: str) -> Locator:
    """Open the expander ``opener`` and return the form inside it."""
    panel.get_by_text(opener, exact=True).click()
    form = panel.get_by_test_id("stExpander").filter(has=page.get_by_text(opener, exact=True)).get_by_test_id("stForm")
    expect(form).to_be_visible(timeout=TIMEOUT_MS)
    return form


def _type_date(form: Locator, label: str, digits: str) -> None:
    """Type a date into a date box's segments (year, month, day), as a user does with the keyboard."""
    form.get_by_test_id("stDateInput").filter(has_text=label).locator('[data-type="year"]').click()
    form.page.keyboard.type(digits)
    form.page.keyboard.press("Tab")


def _date_text(form: Locator, label: str) -> str:
    text = form.get_by_test_id("stDateInput").filter(has_text=label).get_by_role("group").inner_text()
    return "".join(text.split())


def _submit(page: Page, form: Locator, button: str) -> None:
    """Press the form's button once the page is quiet and wait for the save's run. In Chromium a click on
    a form's button right after typing into its text boxes was now and then lost (no run started; the
    button took the click): a user clicks again, and so does this, at most twice more (see the closing
    note). Every save here is refused, so a repeated click cannot save anything twice."""
    target = form.get_by_role("button", name=button, exact=True)
    settle(page)
    for attempt in range(3):
        before = page.evaluate("() => window.__kdRuns")
        target.click()
        try:
            page.wait_for_function("before => window.__kdRuns > before", arg=before,
                                   timeout=4000 if attempt < 2 else TIMEOUT_MS)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    settle(page)


def _count(server, model) -> int:
    with session_scope(server.db_url) as s:
        return s.query(model).count()


def test_refused_saves_keep_what_was_typed(new_page, app_server):
    with session_scope(app_server.db_url) as s:
        customer = factories.make_customer(s, s.get(User, app_server.ids["rep1"]), name="保留输入测试商行")
    counts = {m: _count(app_server, m) for m in (Contract, Discount, Complaint, Receivable, MarketNote)}
    page = new_page()
    login(page, app_server, "rep1", "张业务")
    page.goto(app_server.page_url(f"archive?id={customer.id}"))
    expect(page.get_by_role("tab", name="合同")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)

    form = _form(page, open_tab(page, "合同"), "登记合同 / 协议")
    form.get_by_label("合同编号 *", exact=True).fill("HT-2026-KEEP")
    form.get_by_label("金额（元）", exact=True).fill("58000")
    _type_date(form, "结束日期", "20200101")
    _submit(page, form, "保存合同")
    expect(form.get_by_text("⚠ 结束日期不能早于开始日期")).to_be_visible(timeout=TIMEOUT_MS)
    expect(form.get_by_label("合同编号 *", exact=True)).to_have_value("HT-2026-KEEP")
    expect(form.get_by_label("金额（元）", exact=True)).to_have_value("58000")
    assert _date_text(form, "结束日期") == "2020-01-01"
    screenshot_page(page, "contract_refused_keeps_values")

    panel = open_tab(page, "投诉与折价")
    settle(page)
    form = _form(page, panel, "申请折价 / 让利")
    form.get_by_label("金额（元）*", exact=True).fill("1200")
    _submit(page, form, "提交申请")
    expect(form.get_by_text("⚠ 请写明原因")).to_be_visible(timeout=TIMEOUT_MS)
    expect(form.get_by_label("金额（元）*", exact=True)).to_have_value("1200")

    form = _form(page, panel, "登记投诉")
    _type_date(form, "投诉日期", "20261101")
    _submit(page, form, "保存投诉")
    expect(form.get_by_text("⚠ 请写下投诉内容")).to_be_visible(timeout=TIMEOUT_MS)
    assert _date_text(form, "投诉日期") == "2026-11-01"

    form = _form(page, open_tab(page, "应收账款"), "录入应收账款")
    form.get_by_label("单据号", exact=True).fill("FP-0099")
    form.get_by_label("备注", exact=True).fill("十月货款")
    _submit(page, form, "保存")
    expect(form.get_by_text("⚠ 金额必须大于 0")).to_be_visible(timeout=TIMEOUT_MS)
    expect(form.get_by_label("单据号", exact=True)).to_have_value("FP-0099")
    expect(form.get_by_label("备注", exact=True)).to_have_value("十月货款")

    page.goto(app_server.page_url("market"))
    expect(page.get_by_text("记一条市场动态", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    form = _form(page, page, "记一条市场动态")
    form.get_by_label("产品", exact=True).fill("500ml 高粱酒")
    form.get_by_label("情况 *", exact=True).fill("终端价降到 39 元")
    _submit(page, form, "保存")
    expect(form.get_by_text("⚠ ", exact=False).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(form.get_by_label("产品", exact=True)).to_have_value("500ml 高粱酒")
    expect(form.get_by_label("情况 *", exact=True)).to_have_value("终端价降到 39 元")
    screenshot_page(page, "market_note_refused_keeps_values")

    assert {m: _count(app_server, m) for m in counts} == counts  # nothing refused was saved
