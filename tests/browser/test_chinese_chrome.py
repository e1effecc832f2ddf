"""Chinese wherever a user looks (issue 17 item 7), read from the screen's text in Chromium:
- a freshly started server, a deep link, nobody logged in: only the Chinese login form, never the
  sidebar list of raw pages/ file names Streamlit draws for a pages/ folder (app, archive new, …);
- logged in there, and on the start page: the Chinese navigation;
- the uploader on 导入导出: Chinese button, our limit, no English; a wrong kind refused in Chinese;
- the uploader of an archive's documents: our 20 MB shown; a bigger file refused in Chinese;
- no "Press Enter to submit form" under the login form's inputs.
Screenshots go to /tmp/shots/ (and test-artifacts/).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from db.engine import session_scope
from db.models import User
from domain.documents import ALLOWED_TEXT, MAX_MB
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, start_server, team
from tests.browser.ui import expect_login_form, login, open_from_sidebar, open_tab, settle, sidebar, submit_login

SHOTS = Path("/tmp/shots")
ENGLISH = ["Upload", "Browse", "Drag and drop", "per file", "Press Enter", "not allowed", "add icon", "Error"]
RAW_PAGE_NAMES = ["app", "archive new", "archive", "read log", "dashboard", "handover", "imports", "home"]


@pytest.fixture
def fresh_server(chromium_browser, tmp_path_factory):
    """A server started for one test, with nothing requested from it before the test."""
    yield from start_server(tmp_path_factory, team)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def english_on_screen(page: Page) -> list[str]:
    """English in the page's text. The skip link (off screen until the first Tab) keeps its English
    text for the DOM but shows Chinese through CSS, which is checked instead."""
    text = page.locator("body").inner_text()
    skip = page.get_by_test_id("stSkipToContent")
    if skip.count():
        assert skip.evaluate("e => getComputedStyle(e, '::after').content") == '"跳到正文"'
        text = text.replace(skip.inner_text(), "")
    return [word for word in ENGLISH if word in text]


def sidebar_lines(page: Page) -> list[str]:
    bar = sidebar(page)
    return [line.strip() for line in bar.inner_text().splitlines() if line.strip()] if bar.count() else []


def test_fresh_server_deep_link_shows_only_the_chinese_login(new_page, fresh_server):
    page = new_page()
    for path in ("dashboard", "review"):
        page.goto(fresh_server.page_url(path))
        expect_login_form(page)
        page.get_by_label("用户名", exact=True).fill("mgr")  # the hint shows under a typed-in input
        settle(page)
        shot(page, f"fresh_deep_link_{path}_logged_out")
        raw = [line for line in sidebar_lines(page) if line.lower() in RAW_PAGE_NAMES]
        assert not raw, f"/{path} 未登录时侧栏列出了页面文件名：{raw}"
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        assert not english_on_screen(page), (path, english_on_screen(page))
        body = page.locator("body").inner_text()
        assert not re.search(r"\b(archive new|read log|dashboard|review)\b", body, re.IGNORECASE), body
        assert page.title() == "客档 KeDang"

    submit_login(page, "mgr")  # on /review: the server has still not run app.py
    expect(page.get_by_role("heading", name="审核队列", exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(sidebar(page).get_by_role("link", name="今日待办", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    shot(page, "fresh_deep_link_logged_in")
    lines = sidebar_lines(page)
    assert "离职交接" in lines and not [line for line in lines if line.lower() in RAW_PAGE_NAMES], lines
    assert not english_on_screen(page), english_on_screen(page)


def test_the_import_uploader_speaks_chinese(new_page, app_server):
    page = new_page()
    login(page, app_server, "mgr", "李经理")
    expect(sidebar(page).get_by_role("link", name="客户档案", exact=True)).to_be_visible()
    open_from_sidebar(page, "导入导出")
    uploader = page.get_by_test_id("stFileUploader").filter(has=page.get_by_text("选择文件", exact=True))
    expect(uploader).to_have_count(1, timeout=TIMEOUT_MS)
    settle(page)
    shot(page, "import_uploader")
    assert not english_on_screen(page), english_on_screen(page)
    hint = uploader.get_by_test_id("stFileUploaderDropzoneInstructions")
    shown = hint.evaluate("e => getComputedStyle(e.firstElementChild, '::after').content")
    assert shown == '"每个文件不超过 50 MB · 支持 .xlsx、.xls、.csv、.zip"', shown
    label = uploader.get_by_test_id("stBaseButton-secondary").get_by_test_id("stMarkdownContainer")
    assert label.evaluate("e => getComputedStyle(e, '::after').content") == '"选择文件"'

    uploader.locator("input[type=file]").set_input_files(
        {"name": "说明.txt", "mimeType": "text/plain", "buffer": "不是表格".encode()})
    expect(page.get_by_text("「说明.txt」不是可接受的文件类型，请选择 .xlsx、.xls、.csv、.zip 文件")).to_be_visible(
        timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_test_id("stFileChip").first.hover()
    page.wait_for_timeout(500)
    shot(page, "import_uploader_wrong_kind")
    assert not english_on_screen(page), english_on_screen(page)
    page.set_viewport_size({"width": 390, "height": 844})
    uploader.get_by_test_id("stFileChipDeleteBtn").click()
    expect(uploader.get_by_test_id("stFileUploaderDropzoneInstructions")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    shot(page, "import_uploader_phone")
    assert not english_on_screen(page), english_on_screen(page)


def test_the_document_uploader_shows_our_limit_and_refuses_a_big_file_in_chinese(new_page, app_server):
    with session_scope(app_server.db_url) as s:
        customer = factories.make_customer(s, s.get(User, app_server.ids["rep1"]), name="附件上限测试商行")
    page = new_page()
    login(page, app_server, "rep1", "张业务")
    page.goto(app_server.page_url(f"archive?id={customer.id}"))
    open_tab(page, "文件")
    settle(page)
    page.get_by_text("上传文件", exact=True).click()
    uploader = page.get_by_test_id("stFileUploader").filter(visible=True)
    expect(uploader).to_have_count(1, timeout=TIMEOUT_MS)
    hint = uploader.get_by_test_id("stFileUploaderDropzoneInstructions")
    assert hint.evaluate("e => getComputedStyle(e.firstElementChild, '::after').content") == (
        f'"每个文件不超过 {MAX_MB} MB · 支持 {ALLOWED_TEXT}"')
    uploader.locator("input[type=file]").set_input_files(
        {"name": "太大的扫描件.pdf", "mimeType": "application/pdf", "buffer": b"%PDF" + b"0" * (MAX_MB * 1024 * 1024)})
    chip = uploader.get_by_test_id("stFileChip")
    expect(chip).to_have_attribute("aria-invalid", "true", timeout=TIMEOUT_MS)
    chip.hover()
    page.wait_for_timeout(500)
    shot(page, "document_uploader_too_big")
    size = chip.get_by_test_id("stFileChipName").locator("xpath=following-sibling::div[1]")
    assert size.evaluate("e => getComputedStyle(e, '::after').content") == f'"未上传：超过 {MAX_MB} MB 或上传中断"'
    assert not english_on_screen(page), english_on_screen(page)
