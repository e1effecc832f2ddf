"""A loan (借阅) is read-only, in real Chromium (issue 21 items 2 and 7):
- the borrower previews the archive's documents but gets no 下载 button, and the owner does;
- no table anywhere offers Streamlit's "Download as CSV" (exports are our own, permission-checked
  and logged); the toolbar's remaining buttons say what they do in Chinese;
- an empty date box reads 年-月-日, and an older version is named by its number and date, not a
  database id.
"""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from db.access import decide, request_access
from db.contracts import add_contract
from db.documents import upload
from db.engine import session_scope
from db.models import User
from domain import contracts as K
from domain.formatting import local_today
from tests import factories
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_documents_flow import PDF
from tests.browser.ui import archive_tab, login, open_tab, screenshot_page, settle


def _archive_lent_to_a_colleague(server) -> int:
    """rep1's archive with a licence in two versions and a contract, lent to 'borrower' (approved by mgr)."""
    today = local_today()
    with session_scope(server.db_url) as s:
        mgr, rep = s.get(User, server.ids["mgr"]), s.get(User, server.ids["rep1"])
        borrower = s.query(User).filter_by(username="borrower").one_or_none() or factories.make_user(
            s, "rep", username="borrower", name="借阅人", supervisor=mgr)
        customer = factories.make_customer(s, rep, name="借阅只读测试商行")
        first = upload(s, rep, customer.id, category="营业执照", name="营业执照.pdf", data=PDF)
        s.flush()
        upload(s, rep, customer.id, category="营业执照", name="营业执照-新.pdf", data=PDF + b"%new",
               replaces_id=first.id)
        add_contract(s, rep, customer.id, K.ContractInput("HT-LOAN-1", K.KINDS[0], today, today, None))
        grant = request_access(s, borrower, customer.id, "核对上月对账", today + dt.timedelta(days=3))
        s.flush()
        decide(s, mgr, grant.id, True)
        return customer.id


def _toolbar_labels(page: Page, grid) -> list[str]:
    grid.hover()
    page.wait_for_timeout(400)
    return page.get_by_test_id("stBaseButton-elementToolbar").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => e.getAttribute('aria-label'))")


def test_a_borrower_reads_but_takes_no_copies(new_page, app_server):
    customer_id = _archive_lent_to_a_colleague(app_server)
    page = new_page()
    login(page, app_server, "borrower", "借阅人")
    panel = archive_tab(page, app_server, customer_id, "文件")
    expect(panel.get_by_text("文件只能在线查看，不能下载", exact=False)).to_be_visible()
    expect(panel.get_by_test_id("stCheckbox").filter(has_text="预览 / 下载")).to_have_count(0)
    panel.get_by_test_id("stCheckbox").filter(has_text="预览").first.click()
    settle(page)
    expect(page.get_by_test_id("stBidiComponentIsolated").first).to_be_visible(timeout=TIMEOUT_MS)  # the PDF shows
    expect(page.get_by_role("button", name="下载")).to_have_count(0)
    old = panel.get_by_test_id("stCheckbox").filter(has_text="打开旧版本")
    expect(old).to_have_count(1)
    assert "第 1 版" in old.inner_text() and "#" not in old.inner_text(), old.inner_text()
    screenshot_page(page, "loan_documents_read_only")

    for tab in ("合同", "历史"):
        panel = open_tab(page, tab)
        settle(page)
        grid = panel.get_by_test_id("stDataFrame").first
        expect(grid).to_be_visible(timeout=TIMEOUT_MS)
        labels = _toolbar_labels(page, grid)
        assert labels and "Download as CSV" not in labels, (tab, labels)
    page.get_by_test_id("stBaseButton-elementToolbar").and_(page.locator('[aria-label="Search"]')).first.hover()
    tip = page.locator('[role="tooltip"] [data-testid="stTooltipContent"] p')
    expect(tip).to_be_visible(timeout=TIMEOUT_MS)
    assert tip.evaluate("e => getComputedStyle(e, '::after').content") == '"在表格中查找"'
    assert tip.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # the English "Search" is not seen
    screenshot_page(page, "loan_history_toolbar")


def test_the_owner_downloads_and_empty_dates_read_in_chinese(new_page, app_server):
    customer_id = _archive_lent_to_a_colleague(app_server)
    page = new_page()
    login(page, app_server, "rep1", "张业务")
    panel = archive_tab(page, app_server, customer_id, "文件")
    panel.get_by_test_id("stCheckbox").filter(has_text="预览 / 下载").first.click()
    settle(page)
    expect(page.get_by_role("button", name="下载")).to_have_count(1, timeout=TIMEOUT_MS)
    grid = open_tab(page, "合同").get_by_test_id("stDataFrame").first
    assert "Download as CSV" not in _toolbar_labels(page, grid)  # the owner exports through our own buttons

    panel = open_tab(page, "跟进")
    settle(page)
    year = panel.get_by_test_id("stDateInput").filter(has_text="下次跟进日期").locator('[data-type="year"]')
    assert year.inner_text() == "yyyy" and year.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    assert year.evaluate("e => getComputedStyle(e, '::after').content") == '"年"'

    page.goto(app_server.page_url("board"))
    expect(page.get_by_role("heading", name="分类看板")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    english = page.locator('input[placeholder="Choose an option"]')
    assert english.count() > 0  # Streamlit's default placeholder is there in the DOM…
    colours = english.evaluate_all("els => els.map(e => getComputedStyle(e, '::placeholder').color)")
    assert set(colours) == {"rgba(0, 0, 0, 0)"}, colours  # …and never seen
