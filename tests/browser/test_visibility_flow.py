"""A rep who types another rep's customer id into the address bar is refused, nothing shows, and the
refusal offers to borrow the archive (借阅)."""
from __future__ import annotations

from playwright.sync_api import expect

from db.engine import session_scope
from db.models import User
from tests import factories
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.ui import login, screenshot_page, settle


def test_a_rep_opening_another_reps_customer_by_url_is_refused(new_page, app_server):
    with session_scope(app_server.db_url) as s:
        other = s.get(User, app_server.ids["locky"])
        customer = factories.make_customer(s, other, name="别人的客户商行", phone="0755-66668888")
    page = new_page()
    login(page, app_server, "rep1", "张业务")
    page.goto(app_server.page_url(f"archive?id={customer.id}"))
    refusal = page.get_by_text("您无权查看这份档案，或档案不存在（只有负责人及其上级可以查看，其他同事请申请借阅）")
    expect(refusal.first).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)  # the deep link draws the page twice (login cookie); wait for the last run
    expect(refusal).to_have_count(1)
    expect(page.get_by_text("别人的客户商行")).to_have_count(0)
    expect(page.get_by_text("0755-66668888")).to_have_count(0)
    screenshot_page(page, "refused_by_url")

    page.get_by_role("link", name="申请借阅这份档案").click()
    expect(page.get_by_text("将为您申请借阅链接所指的那份档案").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_label("档案号或客户全称")).to_have_value("")  # the link does not show its number
    expect(page.get_by_text(customer.archive_no)).to_have_count(0)
    page.get_by_label("借阅原因 *").fill("客户来电投诉，需要查看往来记录")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("借阅申请已提交，等待负责人的上级审批")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_label("提前归还或撤回申请")).to_be_visible()  # the request is open
    screenshot_page(page, "access_requested")
