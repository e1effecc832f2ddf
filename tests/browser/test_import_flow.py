"""The 导入导出 page in a real browser: a manager uploads an office-style workbook (title rows above
the header, a phone stored as a number, a blank row, a bad row), sees the detected header row and
the column mapping, previews (counts, rows, errors with Excel row numbers), downloads the error
workbook, imports, finds the archives in the list and undoes the import; an unreadable file gets a
Chinese message; the archive list exports to .xlsx.

Each test has its own server and database, so the counts checked in the database are exact.
"""
from __future__ import annotations

import io
import os
import re

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from db.engine import session_scope
from db.imports import ImportOptions, run_import
from db.models import AuditEvent, Customer, ImportBatch, User
from db.seed import ensure_reference_data
from domain.spreadsheet import read_workbook
from tests import factories
from tests.browser.conftest import TIMEOUT_MS, start_server, team
from tests.browser.import_page import XLSX, confirm_unmapped, no_crash, open_import_page
from tests.browser.ui import (
    click_when_settled,
    download,
    expect_grid_row,
    fill,
    grid_headers,
    grid_with_column,
    keyed,
    login,
    metric_value,
    open_from_sidebar,
    open_tab,
    screenshot_page,
    settle,
    upload_file,
    visible_grid,
)

FILE_NAME = "客户档案登记表.xlsx"
HEADER = ["序号", "客户名称", "客户类型", "省份", "联系电话", "成立时间", "客户等级", "备注"]
GOOD = ["深圳好运来餐饮有限公司", "广州大发超市"]
BAD = "火星贸易公司"
TYPE_REASON = "只能是：餐饮终端、商超终端、经销商/批发、医院/药店、企业、个人、其他"
DATE_REASON = "日期格式不对"
UNDO_REASON = "导入的是旧表，数据已过时"
EXPORTED = "深圳市宝安区富源贸易有限公司"


def office_workbook() -> bytes:
    """What an office sends: a title row, 整理人/填表时间, the header on Excel row 3, two good rows
    (a phone typed as a number, a text date, a lower-case grade), a blank row 6, a bad row 7."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户档案"
    sheet.append(["客户档案登记表"])
    sheet.merge_cells("A1:H1")
    sheet.append(["整理人：张三", None, None, None, None, "填表时间：2024年5月"])
    sheet.append(HEADER)
    sheet.append([1, GOOD[0], "餐饮", "广东省", 13800138000, "2019年5月", "a", "老客户，每月进货"])
    sheet.append([2, GOOD[1], "超市", "广东", "020-12345678", None, "B", None])
    sheet.append([])
    sheet.append([3, BAD, "外星人", "广东", "0755-26543210", "明年", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_rows(content: bytes) -> list[list]:
    assert content[:2] == b"PK", "not an .xlsx (zip) file"
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _manager(session, server) -> User:
    return session.get(User, server.ids["mgr"])


@pytest.fixture(scope="module")
def import_server(chromium_browser, tmp_path_factory):
    """A fresh server with the usual team and no archives."""
    yield from start_server(tmp_path_factory, team)


@pytest.fixture(scope="module")
def imported_server(chromium_browser, tmp_path_factory):
    """A fresh server where the manager has already imported the office workbook (2 new archives)."""
    def prepare(session, server):
        team(session, server)
        ensure_reference_data(session)
        workbook = read_workbook(office_workbook(), FILE_NAME)
        plan = run_import(session, _manager(session, server), workbook.rows(workbook.sheet_names[0]),
                          file_name=FILE_NAME, options=ImportOptions())
        server.ids["import"] = plan.import_id
    yield from start_server(tmp_path_factory, prepare)


@pytest.fixture(scope="module")
def export_server(chromium_browser, tmp_path_factory):
    """A fresh server with one archive, filed by the manager."""
    def prepare(session, server):
        team(session, server)
        ensure_reference_data(session)
        factories.make_customer(session, _manager(session, server), name=EXPORTED)
    yield from start_server(tmp_path_factory, prepare)


def test_import_office_workbook(new_page, import_server):
    page = new_page()
    open_import_page(page, import_server)
    settle(page)
    screenshot_page(page, "import_00_page")
    upload_file(page, "选择文件", FILE_NAME, office_workbook(), XLSX)

    # --- the header row is found below the title rows; the columns are recognised ---
    expect(page.get_by_label("表头所在行（按 Excel 的行号）", exact=True)).to_have_value("3", timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="列对应")).to_be_visible()
    mapping = visible_grid(page)
    expect(mapping).to_have_count(1)
    expect_grid_row(mapping, ["A", "序号", "", "（不导入）"])  # waits for the grid to be drawn
    assert grid_headers(mapping)[-4:] == ["列", "表头", "示例", "导入为"]
    expect_grid_row(mapping, ["B", "客户名称", GOOD[0], "客户名称"])
    expect_grid_row(mapping, ["C", "客户类型", "餐饮", "客户类型"])
    expect_grid_row(mapping, ["E", "联系电话", "", "电话"])
    expect_grid_row(mapping, ["F", "成立时间", "2019年5月", "成立时间"])
    expect_grid_row(mapping, ["G", "客户等级", "a", "分类·价值等级"])
    screenshot_page(page, "import_01_mapping")

    # --- the column not imported is named, and the preview waits until the user confirms it ---
    expect(page.get_by_text("以下列不会导入：序号。", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="预览（试导入，不写入）")).to_be_disabled()
    confirm_unmapped(page)

    # --- preview: nothing written, counts, rows, errors naming Excel row 7 ---
    click_when_settled(page, page.get_by_role("button", name="预览（试导入，不写入）"))
    expect(page.get_by_role("heading", name="预览")).to_be_visible(timeout=TIMEOUT_MS)
    for label, value in (("读取行数", "4"), ("新建", "2"), ("更新", "0"), ("不变", "0"), ("跳过", "0"), ("空行", "1"),
                         ("错误", "1")):
        expect(metric_value(page, label)).to_have_text(value, timeout=TIMEOUT_MS)
    expect(page.get_by_text("未导入的列：序号", exact=True)).to_be_visible()
    preview = grid_with_column(page, "已有档案")
    expect_grid_row(preview, ["4", "新建", GOOD[0]])
    expect_grid_row(preview, ["5", "新建", GOOD[1]])
    bad = expect_grid_row(preview, ["7", "错误", BAD])
    assert "「客户类型」外星人" in bad[-1] and "「成立时间」明年" in bad[-1], bad
    expect(page.get_by_role("heading", name="错误 1 行")).to_be_visible()
    errors = grid_with_column(page, "原因")
    expect_grid_row(errors, ["7", "客户类型", "外星人", TYPE_REASON])
    assert grid_headers(errors)[-4:] == ["行号", "列", "内容", "原因"]
    row = expect_grid_row(errors, ["7", "成立时间", "明年"])
    assert row[-1].startswith(DATE_REASON), row
    with session_scope(import_server.db_url) as session:
        assert session.scalar(select(func.count(Customer.id))) == 0  # a preview writes nothing
    screenshot_page(page, "import_02_preview_errors")

    # --- the error workbook: the bad row as read, plus 错误原因 ---
    button = keyed(page, "import_error_download").get_by_role("button", name=re.compile("下载错误表"))
    name, content = download(page, button)
    assert name.endswith(".xlsx") and "导入错误" in name, name
    rows = xlsx_rows(content)
    assert rows[0][-2:] == ["错误原因", "原行号"] and rows[0][:-2] == HEADER, rows[0]
    assert len(rows) == 2 and rows[1][1] == BAD and "外星人" in rows[1], rows
    assert "客户类型" in rows[1][-2] and "成立时间" in rows[1][-2] and rows[1][-1] == 7, rows[1]

    # --- import: one transaction, the success message names the import ---
    click_when_settled(page, page.get_by_role("button", name="确认导入（新建 2，更新 0）"))
    done = page.get_by_text(re.compile(r"^导入完成（导入编号 #\d+）"))
    expect(done).to_be_visible(timeout=TIMEOUT_MS)
    import_id = int(re.search(r"#(\d+)", done.inner_text()).group(1))
    expect(done).to_contain_text("新建 2 份")
    expect(done).to_contain_text("错误 1 行未导入")
    no_crash(page, import_server)
    screenshot_page(page, "import_03_done")

    with session_scope(import_server.db_url) as session:
        customers = session.scalars(select(Customer).order_by(Customer.name)).all()
        assert sorted(c.name for c in customers) == sorted(GOOD)
        by_name = {c.name: c for c in customers}
        assert by_name[GOOD[0]].phone == "13800138000"
        assert str(by_name[GOOD[0]].founded_on) == "2019-05-01"
        assert all(c.is_active and c.owner_id == import_server.ids["mgr"] for c in customers)
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "customer")).all()
        assert sorted((e.entity_id, e.action, e.import_id) for e in events) == \
            sorted((c.id, "import_create", import_id) for c in customers)
        assert all(e.reason == f"由导入「{FILE_NAME}」创建（导入 #{import_id}）" for e in events)
        batch = session.get(ImportBatch, import_id)
        assert batch.file_name == FILE_NAME and batch.summary["created"] == 2 and batch.summary["rejected_rows"] == 1

    # --- the archives are in the list ---
    open_from_sidebar(page, "客户档案")
    expect(metric_value(page, "共")).to_have_text("2 份", timeout=TIMEOUT_MS)
    table = visible_grid(page)
    for customer in GOOD:
        expect_grid_row(table, ["", customer])
    screenshot_page(page, "import_04_list")


def test_undo_import_from_records(new_page, imported_server):
    import_id = imported_server.ids["import"]
    page = new_page()
    open_import_page(page, imported_server)
    records = open_tab(page, "导入导出记录")
    expect_grid_row(visible_grid(records), [str(import_id), "", FILE_NAME, "李经理", "2", "0", "1", "有效"])
    screenshot_page(page, "import_05_records")

    form = records.get_by_test_id("stForm")
    expect(form.get_by_label("撤销导入", exact=True)).to_have_value(f"#{import_id} {FILE_NAME}")
    fill(form, "撤销原因（必填）", UNDO_REASON)
    click_when_settled(page, form.get_by_role("button", name="撤销这次导入"))
    expect(page.get_by_text(f"已撤销导入 #{import_id}：停用新建的档案 2 份，恢复更新的档案 0 份")).to_be_visible(
        timeout=TIMEOUT_MS)
    records = open_tab(page, "导入导出记录")
    expect_grid_row(visible_grid(records), [str(import_id), "", FILE_NAME])
    row = expect_grid_row(visible_grid(records), [str(import_id)])
    assert row[-1].startswith("已撤销（"), row
    expect(records.get_by_role("button", name="撤销这次导入")).to_have_count(0)  # nothing left to undo
    no_crash(page, imported_server)
    screenshot_page(page, "import_06_undone")

    with session_scope(imported_server.db_url) as session:
        customers = session.scalars(select(Customer)).all()
        assert sorted(c.name for c in customers) == sorted(GOOD)
        assert not any(c.is_active for c in customers)
        undo = session.scalars(select(AuditEvent).where(AuditEvent.action == "undo_import")).all()
        assert sorted(e.entity_id for e in undo) == sorted(c.id for c in customers)
        assert all(e.reason == f"撤销导入 #{import_id}：{UNDO_REASON}" for e in undo)
        assert session.get(ImportBatch, import_id).undone_by_id == imported_server.ids["mgr"]


def test_unreadable_file_gets_a_chinese_message(new_page, import_server):
    page = new_page()
    open_import_page(page, import_server)
    upload_file(page, "选择文件", "客户.xlsx", os.urandom(4096), XLSX)
    message = page.get_by_test_id("stAlert").filter(has_text=re.compile(r"^无法读取「客户\.xlsx」"))
    expect(message).to_be_visible(timeout=TIMEOUT_MS)
    expect(message).to_contain_text(re.compile(r"[\u4e00-\u9fff]{4}"))
    expect(page.get_by_role("button", name="预览（试导入，不写入）")).to_have_count(0)
    expect(page.get_by_role("heading", name="导入导出")).to_be_visible()
    no_crash(page, import_server)
    screenshot_page(page, "import_07_unreadable")

    # the page still works: another file can be chosen (the bad one, still chosen, is still named), another page opens
    upload_file(page, "选择文件", FILE_NAME, office_workbook(), XLSX)
    expect(message).to_have_count(1)
    expect(page.get_by_label("表头所在行（按 Excel 的行号）", exact=True)).to_have_value("3", timeout=TIMEOUT_MS)
    open_from_sidebar(page, "客户档案")
    settle(page)
    no_crash(page, import_server)


def test_tabs_work_before_a_file_is_chosen(new_page, imported_server):
    page = new_page()
    open_import_page(page, imported_server)
    settle(page)
    templates = open_tab(page, "下载导入模板")
    expect(templates.get_by_test_id("stDownloadButton")).to_have_count(7, timeout=TIMEOUT_MS)
    records = open_tab(page, "导入导出记录")
    expect_grid_row(visible_grid(records), [str(imported_server.ids["import"]), "", FILE_NAME], timeout=TIMEOUT_MS)


def test_export_archive_list(new_page, export_server):
    page = new_page()
    login(page, export_server, "mgr", "李经理")
    open_from_sidebar(page, "客户档案")
    expect(metric_value(page, "共")).to_have_text("1 份", timeout=TIMEOUT_MS)
    expect_grid_row(visible_grid(page), ["", EXPORTED])
    click_when_settled(page, page.get_by_role("button", name=re.compile("准备导出（当前筛选结果）")))
    button = page.get_by_role("button", name=re.compile(r"下载 Excel（1 份档案）"))
    expect(button).to_be_visible(timeout=TIMEOUT_MS)
    screenshot_page(page, "import_08_export")
    name, content = download(page, button)
    assert name.endswith(".xlsx"), name
    rows = xlsx_rows(content)
    assert rows[0][0] == "档案号", rows[0]
    assert len(rows) == 2 and rows[1][rows[0].index("客户名称")] == EXPORTED, rows
    assert re.fullmatch(r"KD-GD-\d{4}-\d{5}", rows[1][0]), rows[1]
    no_crash(page, export_server)
    with session_scope(export_server.db_url) as session:
        assert session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "export_list")) == 1
