"""Every page survives a day's use: each demo role clicks through every page of its sidebar in order,
in reverse and shuffled, on the real app with demo data in Chromium. After each click: no error box,
no exception, nothing new in the server's output or the error log, and no markup rendered from a
name: every admin-editable name (a scheme, a class, a user, an import template) holds a Markdown
image, link and HTML payload, which must show as text on every screen.

(A page that worked on its first visit once crashed on its second: the 驾驶舱's date range.)"""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import ClassScheme, ImportTemplate, User
from db.seed import DEMO_PASSWORD, seed_demo
from domain import roles as R
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, AppServer, screenshot, start_server
from tests.browser.ui import settle, sidebar, submit_login

ROLES = {  # username → the name the greeting uses
    "admin": "系统管理员", "manager": "李建国", "zhangwei": "张伟", "kefu": "陈静", "gm": "赵总",
    "danganyuan": "孙档案"}
BROKEN = ["抱歉，页面出错了", "Traceback", "Error:", "TypeError", "KeyError"]
IMAGE, LINK, HTML = "![x](kd-beacon.png)", "[点](kd-beacon.html)", "<img src=kd-beacon.gif>"  # names hold 40
# Elements a payload would have made, in every frame (the board and the calendar are iframes).
RENDERED_MARKUP = """() => Array.from(document.querySelectorAll('img, a, script, iframe, svg image'))
  .filter(el => ['src', 'href', 'xlink:href'].some(a => (el.getAttribute(a) || '').includes('kd-beacon')))
  .map(el => el.outerHTML.slice(0, 160))"""


def _demo_office(session, server: AppServer) -> None:
    seed_demo(session, customers=40)
    factories.make_user(session, R.GM, username="gm", name="赵总", password=DEMO_PASSWORD)
    factories.make_user(session, R.ARCHIVIST, username="danganyuan", name="孙档案", password=DEMO_PASSWORD)
    session.scalar(select(User).where(User.username == "wangfang")).name = f"{IMAGE}王芳"
    scheme = session.scalars(select(ClassScheme).where(ClassScheme.is_active).order_by(ClassScheme.id)).first()
    scheme.name = f"{LINK}{scheme.name}"
    scheme.values[0].name = f"{HTML}{scheme.values[0].name}"
    scheme.values[1].name = f"{IMAGE}{scheme.values[1].name}"
    session.add(ImportTemplate(name=f"{IMAGE}{HTML}模板", mapping={"客户名称": "name"}))


@pytest.fixture(scope="module")
def demo_server(chromium_browser, tmp_path_factory):
    yield from start_server(tmp_path_factory, _demo_office)


def _error_log() -> str:
    path = Path(os.environ["KEDANG_LOG_DIR"]) / "kedang-errors.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_in_every_order_for_each_role(new_page, demo_server, username):
    page = new_page()
    page.goto(demo_server.url + "/")
    submit_login(page, username, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=f"您好，{ROLES[username]}").first).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    titles = [t.strip().split("\n")[-1] for t in sidebar(page).get_by_test_id("stSidebarNavLink").all_inner_texts()]
    assert len(titles) >= 8, titles
    shuffled = titles[:]
    random.Random(username).shuffle(shuffled)
    log_before, errors_before = demo_server.log(), _error_log()
    for step, title in enumerate([*titles, *reversed(titles), *shuffled]):
        sidebar(page).get_by_role("link", name=title, exact=True).click()
        settle(page)
        body = page.locator("section.stMain, [data-testid='stMain']").first.inner_text()
        broken = [word for word in BROKEN if word in body]
        if broken or page.get_by_test_id("stException").count():
            screenshot(page, f"crawl_{username}_{step}")
        assert not broken, f"{username} › {title}（第 {step + 1} 次点击）: {broken}\n{body[:2000]}"
        expect(page.get_by_test_id("stException")).to_have_count(0)
        new_output = demo_server.log()[len(log_before):]
        assert "Traceback" not in new_output, f"{username} › {title}: {new_output[-3000:]}"
        assert _error_log() == errors_before, f"{username} › {title}: {_error_log()[len(errors_before):][-3000:]}"
        rendered = [found for frame in page.frames if not frame.is_detached() for found in _markup(frame)]
        assert not rendered, f"{username} › {title}: a name was rendered as markup: {rendered}"


def _markup(frame) -> list[str]:
    try:
        return frame.evaluate(RENDERED_MARKUP)
    except PlaywrightError:  # a frame the rerun removed meanwhile
        return []
