"""The 导入导出 page's steps that several browser tests share."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.ui import after_rerun, login, open_from_sidebar, settle

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME = {"xlsx": XLSX, "xls": "application/vnd.ms-excel", "csv": "text/csv"}


def upload_files(page: Page, label: str, files: dict[str, bytes]) -> None:
    """Choose several files at once in the uploader labelled ``label`` and wait for them to be listed."""
    uploader = page.get_by_test_id("stFileUploader").filter(has=page.get_by_text(label, exact=True))
    expect(uploader).to_have_count(1, timeout=TIMEOUT_MS)
    settle(page)
    uploader.locator("input[type=file]").set_input_files([
        {"name": name, "mimeType": MIME[name.rsplit(".", 1)[1]], "buffer": content} for name, content in files.items()])
    settle(page)


def open_import_page(page: Page, server) -> None:
    login(page, server, "mgr", "李经理")
    open_from_sidebar(page, "导入导出")
    expect(page).to_have_url(re.compile(r"/import$"))


def confirm_unmapped(page: Page, number: int = 0) -> None:
    """Tick 确认以上列不导入 (the ``number``-th, for several layouts) and wait for the rerun."""
    box = page.get_by_test_id("stCheckbox").filter(has_text="确认以上列不导入").nth(number)
    settle(page)
    after_rerun(page, lambda: box.locator("label").click())


def no_crash(page: Page, server) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in server.log(), server.log()
