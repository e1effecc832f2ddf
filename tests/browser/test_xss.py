"""Script injection (XSS) through what users type: payloads saved in every kind of text field are
shown as inert text on every screen that shows them.

A rep can type anything into a customer's name, address and notes, a follow-up, a complaint or a
market note; a manager then opens those screens. If any screen handed that text to the browser as
HTML, the manager's browser would run the rep's script — with the manager's session, whose login
cookie is readable by scripts (streamlit-authenticator writes it from JavaScript).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from db.complaints import log_complaint
from db.followups import log_follow_up, plan_visits
from db.market import add_note
from db.models import User
from domain.complaints import ComplaintInput
from domain.followups import FollowUpInput, PlanInput
from domain.formatting import local_today
from domain.market import MarketNoteInput
from tests import factories
from tests.browser.conftest import AppServer, start_server, team
from tests.browser.patient import SLOW_MS, goto, login_and_keep_cookie, settle_slowly, warm_up
from tests.browser.ui import open_tab, screenshot_page, sidebar

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[点我](javascript:alert(1))"

NAME_IMG = f"{IMG}宏图商行"
NAME_SCRIPT = f"{SCRIPT}聚贤酒楼"
NAME_LINK = f"{LINK}福满楼"
NAME_BEACON = "![](kd-beacon.png)鸿福超市"  # a Markdown image: rendered, the viewer's browser fetches it
REP_NAME = f"{IMG}小王"

# Run in every frame (the board and the calendar are component iframes): elements an injected
# payload would have created, or an executable link.
FIND_INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase(), value = (attr.value || '').toLowerCase().replace(/\\s/g, '');
      if (name.startsWith('on') && value.includes('alert')) found.push(el.outerHTML.slice(0, 160));
      if (name === 'href' && value.includes('kd-autolink')) found.push(el.outerHTML.slice(0, 160));  // a bare URL
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(name)
          && (value.startsWith('javascript:') || value.includes('alert(1)'))) found.push(el.outerHTML.slice(0, 160));
    }
    if (el.tagName === 'SCRIPT' && (el.textContent || '').includes('alert(1)')) found.push(el.outerHTML.slice(0, 160));
    if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push(el.outerHTML.slice(0, 160));
  }
  return found;
}"""


def xss_data(session, server: AppServer) -> None:
    """The usual team, and a rep of 李经理 (whose own name is a payload) with three customers named,
    addressed and annotated with payloads, a follow-up, a visit plan for today, a complaint and a
    market note full of them."""
    team(session, server)
    today = local_today()
    rep = factories.make_user(session, "rep", username="xss", name=REP_NAME,
                              supervisor=session.get(User, server.ids["mgr"]))
    first = factories.make_customer(session, rep, name=NAME_IMG, address=f"{SCRIPT}南山路1号",
                                    main_business=f"{IMG}白酒批发", notes=f"{LINK}备注{SCRIPT}",
                                    contacts=[{"name": f"{SCRIPT}老板", "role": "负责人", "mobile": "13912345678"}])
    second = factories.make_customer(session, rep, name=NAME_SCRIPT, address=f"{IMG}福田路2号")
    third = factories.make_customer(session, rep, name=NAME_LINK, notes=IMG)
    fourth = factories.make_customer(session, rep, name=NAME_BEACON)
    log_follow_up(session, rep, first.id, FollowUpInput(
        day=today, method="电话跟进",
        summary=f"{IMG}跟进情况 http://kd-autolink.example/x www.kd-autolink.example kd@kd-autolink.example",
        feedback=f"{SCRIPT}客户反馈",
        open_problems=f"{LINK}遗留问题", next_step=f"{IMG}下一步", next_date=today))
    plan_visits(session, rep, [second.id], PlanInput(day=today, method="现场-老顾客", purpose=f"{SCRIPT}回访目的"))
    log_complaint(session, rep, first.id, ComplaintInput(day=today, channel="电话", category="配送物流",
                                                          severity="较重", content=f"{IMG}投诉内容{SCRIPT}"))
    add_note(session, rep, MarketNoteInput(day=today, competitor=f"{LINK}竞品", topic="价格",
                                           content=f"{IMG}竞品降价{SCRIPT}", customer_id=first.id))
    server.ids.update(first=first.id, second=second.id, third=third.id, fourth=fourth.id)


@pytest.fixture(scope="module")
def xss_server(chromium_browser, tmp_path_factory):
    for server in start_server(tmp_path_factory, xss_data):
        warm_up(chromium_browser, server)
        yield server


class Watch:
    """The page's dialogs (alert/confirm/prompt from any frame) since the test began."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def check(self, screen: str, visible: tuple[str, ...] = ()) -> str:
        """After the screen has settled: no dialog, nothing injected in any frame, the payloads in
        ``visible`` shown as text. Returns the screen's text (all frames)."""
        settle_slowly(self.page)
        self.page.wait_for_timeout(500)  # a broken <img src=x> fires onerror as soon as it fails to load
        injected = {url: found for url, found in _in_frames(self.page, FIND_INJECTED) if found}
        assert not injected, f"{screen}: injected elements {injected}"
        assert not self.dialogs, f"{screen}: a payload ran: {self.dialogs}"
        text = "\n".join(body for _, body in _in_frames(self.page,
                                                        "() => document.body ? document.body.innerText : ''"))
        missing = [p for p in visible if p not in text]
        assert not missing, f"{screen}: not shown as text: {missing}"
        screenshot_page(self.page, "xss_" + screen)
        return text


def _in_frames(page, script: str) -> list[tuple[str, object]]:
    """``script``'s result in every frame of the page; a frame a rerun removes meanwhile is skipped."""
    results = []
    for frame in page.frames:
        try:
            results.append((frame.url, frame.evaluate(script)))
        except PlaywrightError as exc:
            if "detached" not in str(exc):
                raise
    return results


def test_payloads_are_inert_text_for_the_manager(new_page, xss_server):
    """李经理 opens every screen that shows his rep's text: nothing runs, nothing is injected, and
    the payloads read as the characters the rep typed."""
    page = new_page()
    watch = Watch(page)
    login_and_keep_cookie(page, xss_server, "mgr", "李经理")
    watch.check("home")

    goto(page, xss_server, "archives", "客户档案")
    watch.check("archives")

    goto(page, xss_server, f"archive?id={xss_server.ids['first']}", NAME_IMG)
    watch.check("archive_card", (NAME_IMG, f"{SCRIPT}南山路1号", f"{IMG}白酒批发", f"{SCRIPT}老板",
                                 f"{IMG}竞品降价{SCRIPT}"))
    open_tab(page, "跟进")
    watch.check("archive_follow_ups", (f"{IMG}跟进情况", f"{SCRIPT}客户反馈", f"{IMG}下一步"))
    open_tab(page, "投诉与折价")
    watch.check("archive_complaints", (f"{IMG}投诉内容{SCRIPT}",))
    open_tab(page, "历史")
    watch.check("archive_history")

    goto(page, xss_server, f"archive?id={xss_server.ids['second']}", NAME_SCRIPT)
    watch.check("archive_second", (NAME_SCRIPT, f"{IMG}福田路2号"))
    goto(page, xss_server, f"archive?id={xss_server.ids['third']}")
    watch.check("archive_third", (IMG,))

    goto(page, xss_server, "board", "分类看板")
    watch.check("board", (NAME_IMG, NAME_SCRIPT))
    goto(page, xss_server, "calendar", "跟进日历")
    watch.check("calendar", (NAME_IMG, NAME_SCRIPT))  # the events, in the calendar's iframe
    for path, heading in (("dashboard", "驾驶舱"), ("reports", "工作报表"), ("market", "市场与竞品"),
                          ("review", "审核队列"), ("read-log", "查阅记录"), ("pool", "公海"),
                          ("receivables", "回款提醒与账龄")):
        goto(page, xss_server, path, heading)
        watch.check(path.replace("-", "_"))


def test_payloads_are_inert_text_for_the_rep_who_typed_them(new_page, xss_server):
    """The rep whose own name is a payload: the sidebar, the greeting and 今日待办 (the plan due
    today) show it as text; so do the board and the calendar."""
    page = new_page()
    watch = Watch(page)
    login_and_keep_cookie(page, xss_server, "xss", REP_NAME)
    watch.check("rep_home", (REP_NAME, f"{SCRIPT}回访目的"))
    goto(page, xss_server, "board", "分类看板")
    watch.check("rep_board", (NAME_IMG, NAME_SCRIPT))
    goto(page, xss_server, "calendar", "跟进日历")
    watch.check("rep_calendar", (NAME_IMG, NAME_SCRIPT))


def test_markdown_in_user_text_is_shown_as_typed(new_page, xss_server):
    """A name is shown as typed: the heading of 「[点我](javascript:alert(1))福满楼」 reads exactly that,
    opening 「![](kd-beacon.png)鸿福超市」 makes the browser fetch nothing the rep chose, and a
    follow-up's 遗留问题 written as a Markdown link reads as typed."""
    page = new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "kd-beacon" in request.url else None)
    login_and_keep_cookie(page, xss_server, "mgr", "李经理")
    for customer in ("fourth", "third"):
        goto(page, xss_server, f"archive?id={xss_server.ids[customer]}")
        # still logged in
        sidebar(page).get_by_role("button", name="退出登录").wait_for(timeout=SLOW_MS)
        settle_slowly(page)
    headings = page.get_by_role("heading", level=1).all_inner_texts()
    assert not fetched, f"the browser fetched what the rep typed: {fetched}"
    assert NAME_LINK in headings, headings
    goto(page, xss_server, f"archive?id={xss_server.ids['first']}")
    panel = open_tab(page, "跟进")
    expect(panel.get_by_text(f"遗留问题：{LINK}遗留问题").first).to_be_visible(timeout=SLOW_MS)
