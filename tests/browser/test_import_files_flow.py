"""Several of the office's workbooks in one go on the 导入导出 page, in a real browser: files of three
layouts (one mapping per layout, the office's words matched, the columns not imported confirmed),
one combined preview, each file imported on its own; a .zip of workbooks is read like its files.

The server has its own database, so the counts checked in the database are exact.
"""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from db.engine import session_scope
from db.models import Customer, ImportBatch
from tests.browser.conftest import TIMEOUT_MS, start_server, team
from tests.browser.import_page import confirm_unmapped, no_crash, open_import_page, upload_files
from tests.browser.ui import (
    click_when_settled,
    expect_grid_row,
    grid_with_column,
    open_tab,
    screenshot_page,
    settle,
    upload_file,
    visible_grid,
)
from tests.import_workbooks import FILES


@pytest.fixture(scope="module")
def several_server(chromium_browser, tmp_path_factory):
    """A fresh server with the usual team and no archives, for the import of several files."""
    yield from start_server(tmp_path_factory, team)


def test_several_files_of_three_layouts_in_one_go(new_page, several_server):
    """Four files of three layouts: one mapping per layout (南京一部 and 二部 share theirs), the office's word
    其他终端 matched to 其他, the columns not imported confirmed, one preview of all files (counts per file,
    the repeats across files, the rejected row with its file), then each file imported on its own: every
    customer once, the repeat updating the archive, four imports under 导入导出记录."""
    page = new_page()
    open_import_page(page, several_server)
    upload_files(page, "选择文件", FILES)
    for number, files in enumerate((["南京一部.xlsx", "南京二部.xlsx"], ["苏州.xls"], ["无锡.csv"])):
        title = f"格式 {number + 1}：" + "、".join(f"「{name}」" for name in files)
        expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("表头行：「南京一部.xlsx」第 2 行，「南京二部.xlsx」第 1 行")).to_be_visible()
    expect(page.get_by_text("「终端类型」列：根据内容识别为 客户类型（可在下表中改回）")).to_be_visible()
    expect(page.get_by_text("「负责人」列：根据内容识别为 负责业务员（可在下表中改回）")).to_have_count(1)  # not 苏州's
    mappings = visible_grid(page)
    expect(mappings).to_have_count(3)
    expect_grid_row(mappings.nth(0), ["B", "终端类型", "商超终端", "客户类型"])
    expect_grid_row(mappings.nth(1), ["E", "负责人", "周店长", "联系人（负责人）"])
    expect_grid_row(mappings.nth(1), ["F", "采购负责人", "钱采购", "采购负责人（姓名）"])
    expect(page.get_by_label("「其他终端」（1 行）", exact=True)).to_have_value("其他")   # suggested, kept
    expect(page.get_by_label("「外星人」（1 行）", exact=True)).to_have_value("（不对应，该行报错）")
    screenshot_page(page, "import_10_several_mappings")

    expect(page.get_by_role("button", name="预览（试导入，不写入）")).to_be_disabled()
    confirm_unmapped(page, 0)  # 微信 (南京)
    confirm_unmapped(page, 1)  # 序号 (无锡)
    page.get_by_test_id("stRadio").get_by_text("更新已有档案", exact=True).click()
    settle(page)
    click_when_settled(page, page.get_by_role("button", name="预览（试导入，不写入）"))
    files = grid_with_column(page, "读取行数")
    expect_grid_row(files, ["南京一部.xlsx", "2", "2", "0", "0", "0", "0", "0", "未导入的列：微信"])
    expect_grid_row(files, ["南京二部.xlsx", "2", "1", "1", "0", "0", "0", "0"])
    expect_grid_row(files, ["苏州.xls", "2", "1", "1", "0", "0", "0", "0"])
    expect_grid_row(files, ["无锡.csv", "3", "1", "0", "0", "0", "1", "1", "未导入的列：序号"])
    repeats = grid_with_column(page, "与之相同")
    expect_grid_row(repeats, ["南京二部.xlsx", "2", "「南京一部.xlsx」第 4 行", "更新"])
    expect_grid_row(repeats, ["苏州.xls", "3", "「南京一部.xlsx」第 3 行", "更新"])
    errors = grid_with_column(page, "原因")
    expect_grid_row(errors, ["无锡.csv", "4", "类型", "外星人"])
    with session_scope(several_server.db_url) as session:
        assert session.scalar(select(func.count(Customer.id))) == 0  # a preview writes nothing
    screenshot_page(page, "import_11_several_preview")

    click_when_settled(page, page.get_by_role("button", name="确认导入 4 个文件（新建 5，更新 2）"))
    done = page.get_by_text(re.compile(r"^导入完成 4 个文件："))
    expect(done).to_be_visible(timeout=TIMEOUT_MS)
    no_crash(page, several_server)
    screenshot_page(page, "import_12_several_done")
    with session_scope(several_server.db_url) as session:
        names = session.scalars(select(Customer.name)).all()
        assert sorted(names) == sorted({"玄武副食品商店", "秦淮酒家", "鼓楼烟酒店", "姑苏茶楼", "梁溪超市"})
        assert session.scalar(select(Customer.customer_type).where(Customer.name == "鼓楼烟酒店")) == "其他"
        assert sorted(session.scalars(select(ImportBatch.file_name))) == sorted(FILES)
    records = open_tab(page, "导入导出记录")
    for name in FILES:
        expect_grid_row(visible_grid(records), ["", "", name, "李经理"])


def test_a_zip_of_workbooks_is_imported_like_the_files_inside(new_page, several_server):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("苏州.xls", "无锡.csv"):
            archive.writestr(f"客户资料/{name}", FILES[name])
        archive.writestr("__MACOSX/客户资料/._苏州.xls", b"junk")
    page = new_page()
    open_import_page(page, several_server)
    upload_file(page, "选择文件", "客户资料.zip", buffer.getvalue(), "application/zip")
    expect(page.get_by_role("heading", name="格式 1：「苏州.xls」")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="格式 2：「无锡.csv」")).to_be_visible()
    confirm_unmapped(page, 0)  # 序号 (无锡)
    click_when_settled(page, page.get_by_role("button", name="预览（试导入，不写入）"))
    files = grid_with_column(page, "读取行数")
    expect_grid_row(files, ["苏州.xls", "2"])
    expect_grid_row(files, ["无锡.csv", "3"])
    no_crash(page, several_server)
    screenshot_page(page, "import_13_zip_preview")
