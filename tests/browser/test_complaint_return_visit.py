"""A complaint closes after its on-site return visit, in real Chromium (issue 21 item 1): the handler
resolves it with the visit due today, a phone call logged in the 跟进 tab leaves that visit open (it
used to complete it, and the complaint could never close), then a 直接登门 chosen for the complaint's
plan completes it and the complaint closes to 已回访."""
from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from db.complaints import log_complaint, start_handling
from db.engine import session_scope
from db.models import User
from db.models_followups import FollowUp, VisitPlan
from db.models_papers import Complaint
from domain.complaints import ComplaintInput
from domain.formatting import local_today
from tests import factories
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.ui import archive_tab, choose, login, open_tab, screenshot_page, settle


def _follow_up(page: Page, method: str, summary: str, plan: str | None = None) -> None:
    panel = open_tab(page, "跟进")
    form = panel.get_by_test_id("stForm").filter(has_text="记录跟进")
    form.get_by_text(method, exact=True).click()
    if plan:
        choose(page, "这次跟进完成的回访计划", plan, scope=form)
    form.get_by_label("跟进情况 *", exact=True).fill(summary)
    form.get_by_role("button", name="保存跟进记录").click()
    expect(page.get_by_text("跟进记录已保存").first).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)


def test_a_call_then_a_visit_closes_the_complaint(new_page, app_server):
    today = local_today()
    with session_scope(app_server.db_url) as s:
        rep = s.get(User, app_server.ids["rep1"])
        customer_id = factories.make_customer(s, rep, name="投诉回访测试酒行").id
        complaint_id = log_complaint(s, rep, customer_id,
                                     ComplaintInput(today, "电话", "配送物流", "较重", "送货晚了三天")).id
        start_handling(s, rep, complaint_id)
    page = new_page()
    login(page, app_server, "rep1", "张业务")
    panel = archive_tab(page, app_server, customer_id, "投诉与折价")
    panel.get_by_label("处理结果 *", exact=True).fill("补发货品并致歉")
    visit_day = panel.get_by_test_id("stDateInput").filter(has_text="现场回访日期")
    visit_day.locator('[data-type="year"]').click()
    page.keyboard.type(today.strftime("%Y%m%d"))  # the return visit is due today
    page.keyboard.press("Tab")
    settle(page)
    choose(page, "责任鉴定 *", "第三方（物流等）", scope=panel)
    settle(page)
    panel.get_by_role("button", name="已解决，安排现场回访").click()
    expect(page.get_by_text("已解决：现场回访计划已安排，回访后即可结案")).to_be_visible(timeout=TIMEOUT_MS)
    with session_scope(app_server.db_url) as s:
        plan = s.get(VisitPlan, s.get(Complaint, complaint_id).return_plan_id)
        assert (plan.day, plan.method, plan.status) == (today, "现场-问题处理", "planned")
        plan_id = plan.id

    _follow_up(page, "电话跟进", "电话告知客户补发安排")
    with session_scope(app_server.db_url) as s:
        assert s.get(VisitPlan, plan_id).status == "planned"  # a call does not complete the on-site visit
    panel = open_tab(page, "投诉与折价")
    expect(panel.get_by_text("等待现场回访", exact=False)).to_be_visible(timeout=TIMEOUT_MS)

    label = f"【投诉回访】{today.month}月{today.day}日 现场-问题处理 · 投诉回访：配送物流"
    _follow_up(page, "直接登门", "登门回访，客户确认补发货品已收到", plan=label)
    screenshot_page(page, "complaint_return_visit_logged")
    with session_scope(app_server.db_url) as s:
        assert s.get(VisitPlan, plan_id).status == "done"
        visit = s.scalars(select(FollowUp).where(FollowUp.plan_id == plan_id)).one()
        assert visit.method == "直接登门"

    panel = open_tab(page, "投诉与折价")
    settle(page)
    panel.get_by_role("button", name="回访完成，结案").click()
    expect(panel.get_by_text("请选择客户满意度")).to_be_visible(timeout=TIMEOUT_MS)  # no default chosen for the user
    choose(page, "客户满意度 *", "满意", scope=panel)
    settle(page)
    panel.get_by_role("button", name="回访完成，结案").click()
    expect(page.get_by_text("投诉已结案")).to_be_visible(timeout=TIMEOUT_MS)
    panel = open_tab(page, "投诉与折价")
    expect(panel.get_by_text("已回访", exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    screenshot_page(page, "complaint_closed")
    with session_scope(app_server.db_url) as s:
        closed = s.get(Complaint, complaint_id)
        assert (closed.state, closed.responsibility, closed.satisfaction) == ("closed", "第三方（物流等）", "满意")
