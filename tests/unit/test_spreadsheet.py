"""Reading uploads: rows land on Excel's row numbers, and bad files get a clear Chinese message
instead of taking the server down. Every file is made here; none is kept in the repository."""
import datetime as dt
import io
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import pytest
import xlwt

from domain.spreadsheet import WorkbookError, read_workbook

ROOT = Path(__file__).resolve().parents[2]
DAMAGED = "文件已损坏或不是有效的 Excel 工作簿（"


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls(rows: list[list], name: str = "Sheet1") -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet(name)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(data: bytes, changes: dict[str, bytes], *, streamed: dict[str, tuple[bytes, int]] | None = None) -> bytes:
    """The same zip with some parts replaced; ``streamed`` parts are written block by block."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename not in (streamed or {}):
                target.writestr(info.filename, changes.get(info.filename, source.read(info.filename)))
        for name, (block, count) in (streamed or {}).items():
            with target.open(name, "w", force_zip64=True) as part:
                for _ in range(count):
                    part.write(block)
    return out.getvalue()


def with_sheet_data(sheet_data: str) -> bytes:
    """An .xlsx with one sheet "Sheet" whose <sheetData> is exactly ``sheet_data``."""
    plain = xlsx({"Sheet": [["名称"]]})
    xml = zipfile.ZipFile(io.BytesIO(plain)).read("xl/worksheets/sheet1.xml")
    new = f"<sheetData>{sheet_data}</sheetData>".encode()
    xml = re.sub(rb"<sheetData>.*</sheetData>", lambda _: new, xml, flags=re.S)
    return rewritten(plain, {"xl/worksheets/sheet1.xml": xml})


def text(ref: str, value: str = "x") -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def error_of(data: bytes, filename: str = "客户.xlsx", **options) -> str:
    with pytest.raises(WorkbookError) as caught:
        read_workbook(data, filename, **options).rows()
    return str(caught.value)


CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from domain.spreadsheet import WorkbookError, read_workbook
try:
    print(json.dumps({"rows": len(read_workbook(sys.stdin.buffer.read(), "客户.xlsx").rows())}))
except WorkbookError as error:
    print(json.dumps({"error": str(error)}, ensure_ascii=False))
"""


def read_in_child(data: bytes) -> dict:
    """Reads in another process: if a guard fails, calamine kills that process, not the tests."""
    done = subprocess.run([sys.executable, "-c", CHILD], input=data, capture_output=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, f"the reading process died ({done.returncode}): {done.stderr[-800:]!r}"
    return json.loads(done.stdout)


# --- what a user sees when the file is fine --------------------------------------------------

def test_title_and_merged_cells_above_the_header_keep_excel_row_numbers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "客户档案（2024 年）"
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["客户名称", "手机", "签约日期", "金额", "重点客户"])
    sheet.append(["好运来餐饮有限公司", 13800138000, dt.date(2024, 3, 1), 1234.5, True])
    sheet.append(["某某商贸", None, None, 99, False])
    sheet["A50"].font = openpyxl.styles.Font(bold=True)  # formatted but empty: not a row of data
    out = io.BytesIO()
    book.save(out)

    workbook = read_workbook(out.getvalue(), "客户.xlsx")

    assert (workbook.kind, workbook.sheet_names) == ("xlsx", ["Sheet"])
    assert workbook.rows() == [
        ["客户档案（2024 年）"],
        [],
        ["客户名称", "手机", "签约日期", "金额", "重点客户"],
        ["好运来餐饮有限公司", 13800138000, dt.date(2024, 3, 1), 1234.5, True],
        ["某某商贸", None, None, 99, False],
    ]


def test_numbers_come_back_as_calamine_gives_them():
    """.xlsx numbers are floats, a phone number too; old .xls stores small whole numbers as int."""
    phone, count = read_workbook(xlsx({"Sheet": [[13800138000, 5]]}), "a.xlsx").rows()[0]
    assert (phone, type(phone), count, type(count)) == (13800138000, float, 5, float)
    phone, count = read_workbook(xls([[13800138000, 5]]), "a.xls").rows()[0]
    assert (phone, type(phone), count, type(count)) == (13800138000, float, 5, int)


def test_a_sheet_starting_at_b3_keeps_its_rows_and_columns():
    book = openpyxl.Workbook()
    book.active["B3"], book.active["C3"] = "客户名称", "电话"
    book.active["B4"], book.active["D4"] = "好运来", "备注"
    out = io.BytesIO()
    book.save(out)
    assert read_workbook(out.getvalue(), "a.xlsx").rows() == [[], [], [None, "客户名称", "电话"],
                                                               [None, "好运来", None, "备注"]]


def test_several_sheets_in_workbook_order_and_picked_by_name():
    book = openpyxl.load_workbook(io.BytesIO(xlsx({"客户": [["客户名称"], ["好运来"]], "联系人": [["姓名"], ["张伟"]],
                                                    "隐藏": [["x"]]})))
    book["隐藏"].sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    workbook = read_workbook(out.getvalue(), "a.xlsx")
    assert workbook.sheet_names == ["客户", "联系人", "隐藏"]
    assert workbook.rows() == [["客户名称"], ["好运来"]]
    assert workbook.rows("联系人") == [["姓名"], ["张伟"]]
    assert workbook.rows("隐藏") == [["x"]]


def test_unknown_sheet_name():
    workbook = read_workbook(xlsx({"客户": [["客户名称"]]}), "a.xlsx")
    with pytest.raises(WorkbookError, match="^工作簿中没有名为「客户2」的工作表$"):
        workbook.rows("客户2")


def test_old_xls_from_office_or_wps():
    book = xlwt.Workbook()
    sheet = book.add_sheet("客户")
    sheet.write(0, 0, "客户名称")
    sheet.write(0, 1, "签约日期")
    sheet.write(1, 0, "好运来")
    sheet.write(1, 1, dt.date(2024, 3, 1), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    sheet.write(3, 2, "备注")
    book.add_sheet("空白")
    out = io.BytesIO()
    book.save(out)
    workbook = read_workbook(out.getvalue(), "客户.xls")
    assert (workbook.kind, workbook.sheet_names) == ("xls", ["客户", "空白"])
    assert workbook.rows() == [["客户名称", "签约日期"], ["好运来", dt.date(2024, 3, 1)], [], [None, None, "备注"]]
    assert workbook.rows("空白") == []


CSV_ROWS = [["客户名称", "手机", "备注"], ["好运来餐饮", "13800138000"], ["某某商贸", "0755-12345678", "老客户"]]


@pytest.mark.parametrize("data", [
    pytest.param("\ufeff客户名称,手机,备注\r\n好运来餐饮,13800138000,\r\n某某商贸,0755-12345678,老客户\r\n"
                 .encode("utf-8"), id="UTF-8 with BOM (Excel 'CSV UTF-8')"),
    pytest.param("客户名称,手机,备注\n好运来餐饮,13800138000,\n某某商贸,0755-12345678,老客户\n"
                 .encode("gbk"), id="GBK (Excel 'CSV' on Chinese Windows)"),
    pytest.param("客户名称\t手机\t备注\n好运来餐饮\t13800138000\t\n某某商贸\t0755-12345678\t老客户\n"
                 .encode("utf-8"), id="tab separated"),
    pytest.param("客户名称;手机;备注\n好运来餐饮;13800138000;\n某某商贸;0755-12345678;老客户\n"
                 .encode("utf-8"), id="semicolon separated"),
    pytest.param("客户名称\t手机\t备注\r\n好运来餐饮\t13800138000\t\r\n某某商贸\t0755-12345678\t老客户\r\n"
                 .encode("utf-16"), id="UTF-16 (Excel 'Unicode text')"),
    pytest.param('客户名称,手机,备注\n"好运来餐饮",13800138000,\n"某某商贸",0755-12345678,"老客户"\n\n,,\n'
                 .encode("utf-8"), id="quotes and trailing empty rows"),
])
def test_csv_values_stay_text(data):
    workbook = read_workbook(data, "客户.csv")
    assert (workbook.kind, workbook.sheet_names, workbook.rows()) == ("csv", ["CSV"], CSV_ROWS)


def test_the_format_comes_from_the_content_not_the_name():
    assert read_workbook(xlsx({"客户": [["客户名称"]]}), "客户.csv").kind == "xlsx"
    assert read_workbook(xls([["客户名称"]]), "客户.xlsx").kind == "xls"
    text_export = read_workbook("客户名称\t手机\n好运来\t138\n".encode("gbk"), "系统导出.xls")
    assert (text_export.kind, text_export.rows()) == ("csv", [["客户名称", "手机"], ["好运来", "138"]])


def test_cells_without_r_land_where_excel_shows_them():
    data = with_sheet_data('<row r="2"><c t="inlineStr"><is><t>客户名称</t></is></c>'
                           '<c t="inlineStr"><is><t>电话</t></is></c></row>'
                           '<row><c r="B3" t="inlineStr"><is><t>138</t></is></c>'
                           '<c t="inlineStr"><is><t>备注</t></is></c></row>')
    assert read_workbook(data, "a.xlsx").rows() == [[], ["客户名称", "电话"], [None, "138", "备注"]]


def test_a_wide_sheet_is_read_in_full():
    header = [f"列{i}" for i in range(1, 121)]
    assert read_workbook(xlsx({"Sheet": [header, list(range(120))]}), "a.xlsx").rows()[0] == header


# --- files that cannot be read ---------------------------------------------------------------

def not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


@pytest.mark.parametrize("data, filename, message", [
    (b"", "客户.xlsx", "文件是空的"),
    (random.Random(7).randbytes(4096), "客户.xlsx", "不是可识别的 Excel 或 CSV 文件（支持 .xlsx、.xls、.csv）"),
    (not_a_workbook(), "客户.xlsx", "文件不是 Excel 工作簿（支持 .xlsx、.xls、.csv）"),
    (b"<html><body><table><tr><td>\xe5\xae\xa2\xe6\x88\xb7</td></tr></table></body></html>", "客户.xls",
     "文件内容是网页或 XML（常见于系统导出的“假 .xls”），请在 Excel/WPS 中打开后另存为 .xlsx 再导入"),
    (xlsx({"Sheet": [], "空白": []}), "客户.xlsx", "工作簿中没有数据：工作表「Sheet」「空白」都是空的"),
    (xlsx({"Sheet": []}), "客户.xlsx", "工作簿中没有数据：工作表「Sheet」是空的"),
    (b",,\r\n , \r\n", "客户.csv", "文件中没有数据"),
], ids=["empty", "random bytes", "zip but not a workbook", "web page named .xls", "all sheets empty",
        "one empty sheet", "csv without data"])
def test_unreadable_files_get_a_reason(data, filename, message):
    assert error_of(data, filename) == message


@pytest.mark.parametrize("data", [
    xlsx({"Sheet": [["客户名称"]]})[:1500],
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(7).randbytes(4096),
], ids=["truncated xlsx", "broken xls"])
def test_damaged_files(data):
    assert error_of(data).startswith(DAMAGED)


def test_password_protected_file():
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(xlsx({"Sheet": [["客户名称"]]}))).encrypt("mima123", encrypted)
    assert error_of(encrypted.getvalue()) == "文件设有打开密码，请在 Excel/WPS 中取消密码后再导入"


def test_zip_bomb_is_refused_before_anything_is_unpacked():
    block = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    bomb = rewritten(xlsx({"Sheet": [["客户名称"]]}), {},
                     streamed={"xl/sharedStrings.xml": (block * 1024, 400 * 1024 * 1024 // (len(block) * 1024))})
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/sharedStrings.xml").file_size > 399 * 1024 * 1024
    assert error_of(bomb) == "文件解压后过大（疑似压缩炸弹），已拒绝导入"


# --- cells far away: calamine would abort the whole process ----------------------------------

COLUMNS = "工作表「Sheet」的列数超过 500 列的上限（可能是格式异常的文件）"
ROWS = "工作表「Sheet」超过 200000 行的上限"


@pytest.mark.parametrize("sheet_data, message", [
    (f'<row r="1">{text("A1")}</row><row r="1048576">{text("XFD1048576")}</row>', COLUMNS),
    (f'<row r="1">{text("A1")}</row><row r="1048576">{text("A1048576")}</row>', ROWS),
    (f'<row r="1">{text("A1")}{text("XFD1")}</row>', COLUMNS),
    (f'<row r="1">{text("A1")}</row><row r="200200">{text("SF200200")}</row>',
     "工作表「Sheet」的数据区域过大（200200 行 × 500 列），请删除多余的行和列后再导入"),
    (f'<row r="1">{text("A1")}</row><row r="1048576">{text("xfd1048576")}</row>', COLUMNS),
    (f'<row r="1">{text("A1")}</row><row r="1048576"><c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c></row>',
     COLUMNS),
    (f'<row r="1">{text("A1")}</row><row r="1048576"><c r="XFC1048576"/><c t="inlineStr"><is><t>x</t></is></c></row>',
     COLUMNS),
    (f'<row r="1">{text("A1")}</row><row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>', ROWS),
    (f'<row r="1">{text("A1")}</row><x:row r="1048576"><x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is>'
     '</x:c></x:row>', COLUMNS),
    (f'<row r="1">{text("A1")}</row><row r="1048576">{text("XFD0001048576")}</row>', COLUMNS),
], ids=["XFD1048576", "A1048576", "XFD1", "A1 to SF200200", "lower case", "r after t", "cell without r after XFC",
        "cell without r in row 1048576", "name prefix", "leading zeros"])
def test_a_cell_far_away_is_refused_without_crashing(sheet_data, message):
    assert read_in_child(with_sheet_data(sheet_data)) == {"error": message}


def test_a_dtd_cannot_give_a_far_cell_another_address():
    data = with_sheet_data(f'<row r="1">{text("A1")}</row><row r="1048576"><c r="XFC1048576"/>'
                           '<c t="inlineStr"><is><t>x</t></is></c></row>')
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    xml = xml.replace(b"<worksheet", b'<!DOCTYPE worksheet [<!ATTLIST c r CDATA "A1">]><worksheet', 1)
    assert read_in_child(rewritten(data, {"xl/worksheets/sheet1.xml": xml})) == {"error": COLUMNS}


def test_an_empty_formatted_cell_far_away_is_no_data():
    data = with_sheet_data(f'<row r="1">{text("A1", "名称")}</row><row r="1048576"><c r="XFD1048576" s="0"/></row>')
    assert read_in_child(data) == {"rows": 1}


@pytest.mark.parametrize("last_cell, result", [
    ("A205", 205),
    ("A206", "工作表「Sheet」超过 5 行的上限"),
    ("SF1", 500),
    ("SG1", "工作表「Sheet」的列数超过 500 列的上限（可能是格式异常的文件）"),
], ids=["5 rows + 200 header rows", "one row more", "500 columns", "501 columns"])
def test_limits_at_the_boundary(last_cell, result):
    data = with_sheet_data(f'<row r="1">{text("A1")}</row><row r="{last_cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
                           f'{text(last_cell)}</row>')
    if isinstance(result, str):
        assert error_of(data, max_rows=5) == result
    else:
        rows = read_workbook(data, "a.xlsx", max_rows=5).rows()
        assert max(len(rows), len(rows[-1])) == result


@pytest.mark.parametrize("make, filename, message", [
    (lambda n: xlsx({"Sheet": [[f"客户{i}"] for i in range(n)]}), "a.xlsx", "工作表「Sheet」超过 5 行的上限"),
    (lambda n: xls([[f"客户{i}"] for i in range(n)]), "a.xls", "工作表「Sheet1」超过 5 行的上限"),
    (lambda n: "".join(f"客户{i}\n" for i in range(n)).encode(), "a.csv", "CSV 文件超过 5 行的上限"),
], ids=["xlsx", "xls", "csv"])
def test_more_rows_than_allowed(make, filename, message):
    assert len(read_workbook(make(205), filename, max_rows=5).rows()) == 205
    assert error_of(make(206), filename, max_rows=5) == message
