"""跟进日历 and 今日待办 in a real browser: a rep clicks a day in the calendar, plans a visit, opens
the planned visit, completes it with a follow-up, and the overdue customer leaves 今日待办; on a
phone (390×844) the rep logs a follow-up from 今日待办 without horizontal scrolling."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.cadence import refresh_due
from db.engine import session_scope
from db.models import User
from db.models_followups import ContactStatus, FollowUp, VisitPlan
from db.seed import ensure_reference_data
from domain.formatting import local_today, team_tz
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, WATCH_SCRIPT_RUNS, start_server, team
from tests.browser.ui import login, open_from_sidebar, screenshot_page, settle, sidebar, submit_login

CUSTOMER = "深圳好运来大酒店"


def twelve_hours_from_the_team() -> str:
    """A browser time zone 12 hours from the team's (behind it where one exists: then it is yesterday there)."""
    team = int(dt.datetime.now(team_tz()).utcoffset().total_seconds()) // 3600
    browser = team - 12 if team - 12 >= -12 else team + 12
    return f"Etc/GMT{-browser:+d}"  # POSIX names count west


def overdue_customer(session, server) -> None:
    """A key account (weekly cadence) of rep1, filed 20 days ago and never contacted: overdue, and not
    yet back in the 公海 (重点客户 return after 30 untended days)."""
    team(session, server)
    ensure_reference_data(session)
    key = factories.class_value(session, "importance", "key")
    rep = session.get(User, server.ids["rep1"])
    customer = factories.make_customer(session, rep, name=CUSTOMER, classes={key.scheme_id: key.id})
    customer.created_at -= dt.timedelta(days=20)
    refresh_due(session, [customer.id])
    server.ids["customer"] = customer.id


@pytest.fixture
def calendar_server(chromium_browser, tmp_path_factory):
    yield from start_server(tmp_path_factory, overdue_customer)


def calendar_frame(page):
    return page.frame_locator("iframe[title*='calendar']").first


def drag_to_day(page, event, day) -> None:
    """Press on the event, move in small steps to the day's cell (FullCalendar starts a drag only after
    real pointer movement) and release it there."""
    settle(page)
    source = event.bounding_box()  # page coordinates, the iframe included
    target = calendar_frame(page).locator(f"td.fc-daygrid-day[data-date='{day}']").bounding_box()
    page.mouse.move(source["x"] + 10, source["y"] + source["height"] / 2)
    page.mouse.down()
    x1, y1 = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    page.mouse.move(x1, y1, steps=20)
    page.wait_for_timeout(200)
    page.mouse.up()


def fits_the_screen(page) -> bool:
    """No sideways scrolling: neither the page nor Streamlit's scrolling main area is wider than the screen."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return document.documentElement.scrollWidth <= window.innerWidth && main.scrollWidth <= window.innerWidth;
    }""")


def due_cards(page):
    """The 今日待办 cards of the overdue customer (each card is a bordered block with its button)."""
    return page.get_by_test_id("stVerticalBlock").filter(has_text=CUSTOMER).filter(
        has=page.get_by_role("button", name="记录跟进", exact=True))


def test_plan_a_visit_from_the_calendar_and_complete_it(calendar_server, chromium_browser):
    # The browser's clock is 12 hours from the team's: the day clicked is still the day planned.
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                           timezone_id=twelve_hours_from_the_team())
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(script=WATCH_SCRIPT_RUNS)
    try:
        _plan_and_complete(context.new_page(), calendar_server)
    finally:
        context.close()


def _plan_and_complete(page, calendar_server):
    login(page, calendar_server, "rep1", "张业务")
    expect(page.get_by_role("heading", name="按跟进频率应跟进的客户（1）")).to_be_visible(timeout=TIMEOUT_MS)
    open_from_sidebar(page, "跟进日历")
    today = local_today()
    day = today + dt.timedelta(days=1)  # the month view shows six weeks: tomorrow is always on it
    cell = calendar_frame(page).locator(f"td.fc-daygrid-day[data-date='{day}']")
    expect(cell).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    cell.click()
    expect(page.get_by_role("heading", name=f"安排回访 · {day}")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    expect(page.get_by_label("客户", exact=True)).to_have_value("")  # no customer is picked for the user
    expect(page.get_by_test_id("stForm").filter(has_text="为 ")).to_have_count(0)
    page.get_by_label("查找客户").fill("好运来")
    page.get_by_label("查找客户").press("Enter")
    settle(page)
    form = page.get_by_test_id("stForm").filter(has_text=f"为 {CUSTOMER}")
    form.get_by_label("目的").fill("送新品样品")
    form.get_by_role("button", name="安排回访").click()
    expect(page.get_by_text(f"已安排 1 条回访计划（{day}）")).to_be_visible(timeout=TIMEOUT_MS)

    event = calendar_frame(page).locator(".fc-event").filter(has_text=f"回访·{CUSTOMER}")
    expect(event).to_be_visible(timeout=TIMEOUT_MS)
    screenshot_page(page, "calendar_month")
    later = day + dt.timedelta(days=2)  # drag the visit two days later
    drag_to_day(page, event, later)
    expect(page.get_by_text(f"回访计划已改到 {later}")).to_be_visible(timeout=TIMEOUT_MS)
    event = calendar_frame(page).locator(f"td[data-date='{later}'] .fc-event").filter(has_text=f"回访·{CUSTOMER}")
    expect(event).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    event.click()
    expect(page.get_by_role("heading", name=f"回访计划 · {later}")).to_be_visible(timeout=TIMEOUT_MS)
    form = page.get_by_test_id("stForm").filter(has_text="完成：记录跟进")
    form.get_by_text("直接登门", exact=True).click()
    form.get_by_label("跟进情况 *").fill("送到样品，老板答应下周试销")
    form.get_by_role("button", name="保存跟进记录").click()
    expect(page.get_by_text("跟进记录已保存")).to_be_visible(timeout=TIMEOUT_MS)
    expect(calendar_frame(page).locator(".fc-event").filter(has_text=f"直接登门·{CUSTOMER}")).to_be_visible(
        timeout=TIMEOUT_MS)

    with session_scope(calendar_server.db_url) as s:
        plan = s.scalars(select(VisitPlan)).one()
        assert (plan.day, plan.status, plan.purpose) == (later, "done", "送新品样品")
        record = s.scalars(select(FollowUp)).one()
        assert (record.plan_id, record.method, record.day) == (plan.id, "直接登门", today)
        assert s.get(ContactStatus, calendar_server.ids["customer"]).next_due == today + dt.timedelta(days=7)
    sidebar(page).get_by_role("link", name="今日待办", exact=True).click()
    expect(page.get_by_text("今天没有待办事项。")).to_be_visible(timeout=TIMEOUT_MS)


def test_log_a_follow_up_on_a_phone(calendar_server, chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                           device_scale_factor=2, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(script=WATCH_SCRIPT_RUNS)
    try:
        page = context.new_page()
        page.goto(calendar_server.url + "/")
        submit_login(page, "rep1")
        expect(page.get_by_role("heading", name="您好，张业务")).to_be_visible(timeout=TIMEOUT_MS)
        expect(due_cards(page).last).to_be_visible(timeout=TIMEOUT_MS)
        settle(page)
        assert fits_the_screen(page)
        button = due_cards(page).last.get_by_role("button", name="记录跟进", exact=True)
        assert button.bounding_box()["height"] >= 36  # a thumb can hit it
        screenshot_page(page, "agenda_phone")
        button.tap()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("跟进情况 *").fill("电话确认本周送货")
        screenshot_page(page, "follow_up_phone")
        dialog.get_by_role("button", name="保存跟进记录").tap()
        expect(page.get_by_text("跟进记录已保存")).to_be_visible(timeout=TIMEOUT_MS)
        expect(due_cards(page)).to_have_count(0, timeout=TIMEOUT_MS)
        assert fits_the_screen(page)
        page.goto(calendar_server.page_url(f"archive?id={calendar_server.ids['customer']}"))  # the card, on the phone
        expect(page.get_by_role("heading", name=f"{CUSTOMER} · 客户资料卡").first).to_be_visible(timeout=TIMEOUT_MS)
        settle(page)  # the deep link draws the page twice (login cookie); wait for the last run
        expect(page.get_by_role("heading", name=f"{CUSTOMER} · 客户资料卡")).to_have_count(1)
        assert fits_the_screen(page)
        screenshot_page(page, "archive_card_phone")
    finally:
        context.close()
    with session_scope(calendar_server.db_url) as s:
        record = s.scalars(select(FollowUp)).one()
        assert (record.method, record.summary) == ("电话跟进", "电话确认本周送货")
