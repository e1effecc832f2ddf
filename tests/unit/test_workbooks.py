"""The workbooks KeDang hands out: templates, error workbooks, exports — and no formula runs in them."""
import io

import openpyxl
import pytest

from domain import fields as F
from domain.card import CardSection
from domain.import_mapping import auto_mapping, detect_header_row
from domain.workbooks import ERROR_COLUMN, card_workbook, error_workbook, import_template, safe_cell, table_workbook


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+8613800138000", "'+8613800138000"), ("-10", "'-10"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTAB", "'\tTAB"), ("\rCR", "'\rCR"), ("好运来", "好运来"), (-10, -10), (None, None),
])
def test_safe_cell_neutralises_formula_triggers(value, expected):
    assert safe_cell(value) == expected


def _open(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def test_table_workbook_stores_formulas_as_text():
    book = _open(table_workbook("导出", ["客户名称", "备注"], [["=HYPERLINK(\"http://x\")", "<script>1</script>"]]))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["客户名称", "备注"]
    name = sheet["A2"]
    assert name.data_type == "s" and name.value == "'=HYPERLINK(\"http://x\")"
    assert sheet["B2"].value == "<script>1</script>"


def test_import_template_per_type_has_headers_example_and_dropdowns():
    book = _open(import_template(F.RESTAURANT))
    sheet = book["客户档案"]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "客户名称*" and "大厅桌数（桌）" in headers
    assert sheet.cell(row=2, column=headers.index("客户类型*") + 1).value == F.RESTAURANT
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert any("餐饮终端" in f for f in lists) and any("现金" in f for f in lists)
    assert "填写说明" in book.sheetnames
    mapping = auto_mapping(headers)
    assert set(mapping.values()) >= {f.name for f in F.ARCHIVE_FIELDS if f.applies_to(F.RESTAURANT)}
    assert detect_header_row([list(r) for r in sheet.iter_rows(values_only=True)]) == 0


def test_supermarket_template_leaves_out_restaurant_fields():
    headers = [c.value for c in _open(import_template("商超终端"))["客户档案"][1]]
    assert "大厅桌数（桌）" not in headers and "营业面积（m²）" in headers


def test_error_workbook_keeps_original_rows_and_adds_the_reason():
    content = error_workbook(["客户名称", "电话", None], [(5, ["好运来", 13800138000.0], "电话：格式不对"),
                                                         (9, ["=cmd", "x", "多余"], "客户类型：必填")])
    sheet = _open(content).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["客户名称", "电话", None, ERROR_COLUMN, "原行号"]
    assert rows[1] == ["好运来", 13800138000, None, "电话：格式不对", 5]
    assert rows[2] == ["'=cmd", "x", "多余", "客户类型：必填", 9]


def test_fixed_error_workbook_imports_again_without_its_extra_columns():
    content = error_workbook(["客户名称", "联系电话", "省份"], [(7, ["好运来", "123", "广东"], "联系电话：格式不对")])
    headers = [c.value for c in _open(content).active[1]]
    assert auto_mapping(headers) == {0: "name", 1: "phone", 2: "province"}


def test_card_workbook_keeps_formula_like_values_as_text():
    sides = {"正面": [CardSection("基本信息", [("客户名称", "=1+1"), ("电话", "+86 755")],
                                  [["品种", "售价"], ["@x", "1"]])]}
    sheet = _open(card_workbook("=1+1", sides))["正面"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "'=1+1" in values and "'+86 755" in values and "'@x" in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
