"""Workbooks KeDang writes: import template, error workbook, archive export and the card (.xlsx).

Every text cell goes through ``safe_cell``: text beginning with = + - @, a tab
or a carriage return is neutralised (OWASP CSV-injection guidance), so no
formula runs when the file is opened in Excel or WPS.
"""
from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from domain import fields as F
from domain.card import CardSection

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ERROR_COLUMN, ROW_COLUMN = "错误原因", "原行号"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading ' ; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _text_cell(sheet, value: Any, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never "f": a string is stored as a string
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def _header_row(sheet, headers: Sequence[str], required: Iterable[str] = ()) -> list[WriteOnlyCell]:
    required = set(required)
    return [_text_cell(sheet, h, font=_HEADER_FONT, fill=_REQUIRED_FILL if h in required else _HEADER_FILL)
            for h in headers]


def _excel_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_fields(customer_type: str) -> list[F.Field]:
    return [f for f in F.ARCHIVE_FIELDS if f.applies_to(customer_type)]


def template_header(field: F.Field) -> str:
    """The template's header for a field: its label with unit, '*' when required."""
    return field.label_with_unit + ("*" if field.required else "")


def import_template(customer_type: str) -> bytes:
    """An import template for one customer type: Chinese headers, an example row, dropdowns for choices."""
    fields = template_fields(customer_type)
    book = Workbook()
    sheet = book.active
    sheet.title = "客户档案"
    headers = [template_header(f) for f in fields]
    for index, field in enumerate(fields, start=1):
        sheet.cell(row=1, column=index, value=headers[index - 1]).font = _HEADER_FONT
        sheet.cell(row=1, column=index).fill = _REQUIRED_FILL if field.required else _HEADER_FILL
        example = customer_type if field.name == "customer_type" else field.example
        if example is None and field.kind == F.CHOICE:
            example = field.choices[0]
        sheet.cell(row=2, column=index, value=safe_cell(_excel_value(example)))
        if field.kind == F.DATE:
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(headers[index - 1]) * 2 + 2)
        choices = field.choices if field.kind == F.CHOICE else ("是", "否") if field.kind == F.BOOL else ()
        if choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                  showErrorMessage=True, errorTitle="请从下拉列表中选择",
                                  error=f"{field.label}只能是：{'、'.join(choices)}")
            rule.add(f"{get_column_letter(index)}2:{get_column_letter(index)}5000")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写要求"])
    for cell in notes[1]:
        cell.font = _HEADER_FONT
    for field in fields:
        notes.append([field.label_with_unit, "必填" if field.required else "", _rule_text(field)])
    notes.append([])
    notes.append(["说明", "", "第 1 行是表头，请勿修改；第 2 行是示例，导入前请删除。带 * 的列必填。"])
    notes.column_dimensions["A"].width, notes.column_dimensions["C"].width = 22, 70
    return _save(book)


def _rule_text(field: F.Field) -> str:
    if field.kind == F.CHOICE:
        return "从下拉列表选择：" + "、".join(field.choices)
    if field.kind == F.BOOL:
        return "是 或 否"
    if field.kind == F.DATE:
        return "日期，如 2024-05-01、2024年5月"
    if field.kind in F.NUMBER_KINDS:
        unit = f"，单位：{field.unit}" if field.unit else ""
        return f"数字{unit}" + ("（整数）" if field.kind == F.INT else "")
    return field.help or f"文字，最多 {field.max_length} 字"


def error_workbook(headers: Sequence[Any], rows: Iterable[tuple[int, Sequence[Any], str]]) -> bytes:
    """The rejected rows as they were read, plus 错误原因 and the row number in the original file;
    fixed, the workbook imports again as it is (those two columns are not imported)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("导入错误")
    header_texts = ["" if h is None else str(h) for h in headers]
    sheet.append(_header_row(sheet, [*header_texts, ERROR_COLUMN, ROW_COLUMN]))
    for number, cells, reason in rows:
        padded = list(cells) + [None] * (len(header_texts) - len(cells))
        sheet.append([_text_cell(sheet, _excel_value(v)) for v in padded[:len(header_texts)]]
                     + [_text_cell(sheet, reason), number])
    return _save(book)


def table_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A plain table (the archive export): header row, frozen; every text cell made safe."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    sheet.append(_header_row(sheet, headers))
    for row in rows:
        sheet.append([_text_cell(sheet, _excel_value(v)) for v in row])
    return _save(book)


def card_workbook(title: str, sides: dict[str, list[CardSection]]) -> bytes:
    """The card as an .xlsx: one sheet per side, labels shaded like the paper form."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    label_fill = PatternFill("solid", fgColor="F4EFE6")
    for side, sections in sides.items():
        sheet = workbook.create_sheet(side)
        sheet.append([safe_cell(f"{title} · 客户资料卡（{side}）")])
        sheet["A1"].font = Font(bold=True, size=14)
        for section in sections:
            sheet.append([])
            sheet.append([safe_cell(section.title)])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, color="B22222")
            for i in range(0, len(section.items), 3):
                row = [safe_cell(x) for pair in section.items[i:i + 3] for x in pair]
                sheet.append(row)
                for col in range(1, len(row) + 1):
                    cell = sheet.cell(sheet.max_row, col)
                    cell.border = border
                    if col % 2 == 1:
                        cell.fill = label_fill
            for r, row in enumerate(section.table or []):
                row = [safe_cell(x) for x in row]
                sheet.append(row)
                for col in range(1, len(row) + 1):
                    cell = sheet.cell(sheet.max_row, col)
                    cell.border = border
                    if r == 0:
                        cell.fill = label_fill
        for col in "ABCDEFGHIJKLMN":
            sheet.column_dimensions[col].width = 16
        for row in sheet.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(workbook)


def tables_workbook(title: str, tables: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
                    number_formats: Mapping[str, str] | None = None) -> bytes:
    """A report: one sheet per (sheet name, headers, rows), the title above each header row.

    ``number_formats`` maps a header to an Excel number format for its numbers (e.g. {"完成率": "0%"}),
    so a rate stays a number Excel can sum and sort."""
    book = Workbook(write_only=True)
    for name, headers, rows in tables:
        sheet = book.create_sheet(name[:31])
        sheet.append([_text_cell(sheet, title, font=Font(bold=True, size=13))])
        sheet.append(_header_row(sheet, headers))
        formats = [(number_formats or {}).get(h) for h in headers]
        for row in rows:
            sheet.append([_table_cell(sheet, v, formats[i] if i < len(formats) else None) for i, v in enumerate(row)])
    return _save(book)


def _table_cell(sheet, value: Any, number_format: str | None) -> Any:
    value = _excel_value(value)
    if isinstance(value, float) and math.isnan(value):  # pandas' empty number: an empty cell
        return None
    if isinstance(value, str):
        return _text_cell(sheet, value)
    if number_format and isinstance(value, (int, float)):
        return _text_cell(sheet, value, number_format=number_format)
    return value
