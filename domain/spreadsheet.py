"""Reading an uploaded .xlsx, .xls or .csv file into plain rows, without trusting the file.

The format is decided by the bytes, not by the file name. Before calamine reads an .xlsx
sheet, the zip's declared sizes are checked here and the sheet's XML is scanned by
domain/xlsx_guard.py (a single far-away cell would make calamine abort the process).
"""
from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterator

import python_calamine

from domain.xlsx_guard import (
    HAS_VALUE,
    ZIP_ERRORS,
    WorkbookError,
    check_extent,
    check_sheet_xml,
    check_zip_sizes,
    damaged,
    pieces,
    sheet_parts,
)

MAX_ROWS = int(os.environ.get("KEDANG_IMPORT_MAX_ROWS", "200000"))
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f]")
_MARKUP = re.compile(r"\s*<(?:html|table|\?xml|!doctype)", re.IGNORECASE)
PASSWORD_MESSAGE = "文件设有打开密码，请在 Excel/WPS 中取消密码后再导入"


@dataclass
class Workbook:
    """An opened upload: its format, its sheet names, and ``rows`` to read one sheet."""

    kind: str
    sheet_names: list[str]
    _read: Callable[[str], list[list[Any]]] = field(default=lambda sheet: [], repr=False, compare=False)

    def rows(self, sheet: str | None = None) -> list[list[Any]]:
        """All rows of one sheet (default: the first). rows[i] is what Excel shows as row i+1;
        rows[i][j] is column j (0 = A). Empty cells are None; trailing empty rows are dropped;
        rows may have different lengths. Values: str, int/float, bool, datetime.date/datetime/time
        (whatever calamine gives), never NaN. Raises WorkbookError for an unknown sheet or a sheet
        that breaks the limits."""
        name = self.sheet_names[0] if sheet is None else sheet
        if name not in self.sheet_names:
            raise WorkbookError(f"工作簿中没有名为「{name}」的工作表")
        return self._read(name)


def read_workbook(data: bytes, filename: str, *, max_rows: int | None = None) -> Workbook:
    """Open ``data`` (the uploaded bytes; ``filename`` only as a hint). Raises WorkbookError.

    The format comes from the bytes: an .xlsx named .csv is still read as an .xlsx. A sheet
    may hold ``max_rows`` (default MAX_ROWS) rows plus HEADER_ROOM for titles and the header,
    and MAX_COLUMNS columns; these limits are checked when a sheet's rows are read.
    """
    max_rows = MAX_ROWS if max_rows is None else max_rows
    if not data:
        raise WorkbookError("文件是空的")
    if data.startswith(_ZIP):
        return _open_xlsx(data, max_rows)
    if data.startswith(_OLE):
        if any(stream in data for stream in _ENCRYPTED_STREAMS):
            raise WorkbookError(PASSWORD_MESSAGE)
        return _open_xls(data, max_rows)
    text = _decode_text(data)
    if text is None:
        raise WorkbookError("不是可识别的 Excel 或 CSV 文件（支持 .xlsx、.xls、.csv）")
    if _MARKUP.match(text):
        raise WorkbookError("文件内容是网页或 XML（常见于系统导出的“假 .xls”），"
                            "请在 Excel/WPS 中打开后另存为 .xlsx 再导入")
    return _open_csv(text, max_rows)


def _no_data(names: list[str]) -> WorkbookError:
    listed = "".join(f"「{name}」" for name in names[:10])
    return WorkbookError(f"工作簿中没有数据：工作表{listed}{'都' if len(names) > 1 else ''}是空的")


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


@contextmanager
def _calamine_errors() -> Iterator[None]:
    try:
        yield
    except WorkbookError:
        raise
    except python_calamine.PasswordError as error:
        raise WorkbookError(PASSWORD_MESSAGE) from error
    except Exception as error:  # calamine's own errors, and whatever else an odd file causes
        raise damaged(error) from error


def _open_calamine(data: bytes) -> Any:
    with _calamine_errors():
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))


def _open_xls(data: bytes, max_rows: int) -> Workbook:
    book = _open_calamine(data)
    names = list(book.sheet_names)
    with _calamine_errors():
        if all(book.get_sheet_by_name(name).start is None for name in names):
            raise _no_data(names)
    return Workbook("xls", names, partial(_read_calamine_sheet, book, max_rows))


def _read_calamine_sheet(book: Any, max_rows: int, name: str) -> list[list[Any]]:
    with _calamine_errors():
        sheet = book.get_sheet_by_name(name)
        if sheet.end is not None:
            check_extent(f"工作表「{name}」", max_rows, sheet.end[0] + 1, sheet.end[1] + 1)
        grid = sheet.to_python(skip_empty_area=False)
    return _trimmed([[None if value == "" or value != value else value for value in row] for row in grid])


def _open_xlsx(data: bytes, max_rows: int) -> Workbook:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as error:
        raise damaged(error) from error
    check_zip_sizes(infos)
    parts = {info.filename.lower(): info for info in infos}  # calamine ignores case in part names
    if len(parts) != len(infos):
        raise damaged("压缩包内有重名的部件")
    if "xl/workbook.xml" not in parts:
        raise WorkbookError("文件不是 Excel 工作簿（支持 .xlsx、.xls、.csv）")
    book = _open_calamine(data)
    names = list(book.sheet_names)
    by_sheet = sheet_parts(archive, parts, names)
    if not any(HAS_VALUE.search(piece) for name in names for piece in pieces(archive, by_sheet[name])):
        raise _no_data(names)
    return Workbook("xlsx", names, partial(_read_xlsx_sheet, archive, book, by_sheet, max_rows))


def _read_xlsx_sheet(archive: zipfile.ZipFile, book: Any, by_sheet: dict[str, zipfile.ZipInfo],
                     max_rows: int, name: str) -> list[list[Any]]:
    check_sheet_xml(archive, by_sheet[name], f"工作表「{name}」", max_rows)
    return _read_calamine_sheet(book, max_rows, name)


def _decode_text(data: bytes) -> str | None:
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _NOT_TEXT.search(text) else text.lstrip("\ufeff")
    return None


def _open_csv(text: str, max_rows: int) -> Workbook:
    if not text.strip(" \t\r\n,;\"'"):
        raise WorkbookError("文件中没有数据")
    sample = text[:32 * 1024]
    try:
        delimiter = csv.Sniffer().sniff(sample[: sample.rfind("\n") + 1] or sample, delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    return Workbook("csv", ["CSV"], partial(_read_csv, text, delimiter, max_rows))


def _read_csv(text: str, delimiter: str, max_rows: int, name: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    try:
        for raw in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            row = [value if value != "" else None for value in raw]
            if any(value is not None for value in row):
                check_extent("CSV 文件", max_rows, len(rows) + 1, len(row))
            rows.append(row)
    except csv.Error as error:
        raise WorkbookError(f"CSV 文件第 {len(rows) + 1} 行格式有误：{error}") from error
    return _trimmed(rows)
