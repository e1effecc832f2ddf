"""Reading an uploaded .xlsx, .xls or .csv file into plain rows, without trusting the file.

The format is decided by the bytes, not by the file name. calamine turns a sheet into a
dense grid from its first to its last cell with a value, and aborts the whole process (a
Rust allocation failure, not an exception) when the grid does not fit in memory: one value
at XFD1048576 is enough. So before calamine reads an .xlsx sheet, the zip's declared sizes
are checked and the sheet's XML is scanned for cells beyond the row, column and area limits.
"""
from __future__ import annotations

import csv
import html
import io
import os
import re
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any, Callable, Iterator
from xml.etree import ElementTree
from xml.parsers import expat

import python_calamine

from domain.errors import UserFacingError

MAX_ROWS = int(os.environ.get("KEDANG_IMPORT_MAX_ROWS", "200000"))
MAX_COLUMNS = 500
HEADER_ROOM = 200  # rows allowed besides the data: titles, notes and the header itself
MAX_CELLS = 20_000_000  # the grid from A1 to the last cell, e.g. 100 columns × 200 000 rows

_MB = 1024 * 1024
MAX_UNZIPPED_TOTAL, MAX_UNZIPPED_PART = 600 * _MB, 300 * _MB
RATIO_CHECKED_FROM, MAX_RATIO = 20 * _MB, 100
_MAX_INDEX_PART = 10 * _MB  # xl/workbook.xml and its relationships

_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
               NotImplementedError, RuntimeError)
_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f]")
_MARKUP = re.compile(r"\s*<(?:html|table|\?xml|!doctype)", re.IGNORECASE)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

PASSWORD_MESSAGE = "文件设有打开密码，请在 Excel/WPS 中取消密码后再导入"
BOMB_MESSAGE = "文件解压后过大（疑似压缩炸弹），已拒绝导入"


class WorkbookError(UserFacingError):
    """The file cannot be read at all; the message says why, in Chinese."""


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
        raise WorkbookError("文件内容是网页或 XML（常见于系统导出的“假 .xls”），请在 Excel/WPS 中打开后另存为 .xlsx 再导入")
    return _open_csv(text, max_rows)


def _check_extent(label: str, max_rows: int, rows: int, columns: int) -> None:
    """Raises if a sheet reaching row ``rows`` and column ``columns`` (from 1) breaks a limit."""
    if columns > MAX_COLUMNS:
        raise WorkbookError(f"{label}的列数超过 {MAX_COLUMNS} 列的上限（可能是格式异常的文件）")
    if rows > max_rows + HEADER_ROOM:
        raise WorkbookError(f"{label}超过 {max_rows} 行的上限")
    if rows * columns > MAX_CELLS:
        raise WorkbookError(f"{label}的数据区域过大（{rows} 行 × {columns} 列），请删除多余的行和列后再导入")


def _damaged(detail: object) -> WorkbookError:
    text = str(detail).strip() or type(detail).__name__
    return WorkbookError(f"文件已损坏或不是有效的 Excel 工作簿（{text[:120]}）")


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
        raise _damaged(error) from error


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
            _check_extent(f"工作表「{name}」", max_rows, sheet.end[0] + 1, sheet.end[1] + 1)
        grid = sheet.to_python(skip_empty_area=False)
    return _trimmed([[None if value == "" or value != value else value for value in row] for row in grid])


def _open_xlsx(data: bytes, max_rows: int) -> Workbook:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS as error:
        raise _damaged(error) from error
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_UNZIPPED_PART or (info.file_size > RATIO_CHECKED_FROM and ratio > MAX_RATIO):
            raise WorkbookError(BOMB_MESSAGE)
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_TOTAL:
        raise WorkbookError(BOMB_MESSAGE)
    parts = {info.filename.lower(): info for info in infos}  # calamine ignores case in part names
    if len(parts) != len(infos):
        raise _damaged("压缩包内有重名的部件")
    if "xl/workbook.xml" not in parts:
        raise WorkbookError("文件不是 Excel 工作簿（支持 .xlsx、.xls、.csv）")
    book = _open_calamine(data)
    names = list(book.sheet_names)
    sheet_parts = _sheet_parts(archive, parts, names)
    if not any(_VALUE.search(piece) for name in names for piece in _pieces(archive, sheet_parts[name])):
        raise _no_data(names)
    return Workbook("xlsx", names, partial(_read_xlsx_sheet, archive, book, sheet_parts, max_rows))


def _read_xlsx_sheet(archive: zipfile.ZipFile, book: Any, sheet_parts: dict[str, zipfile.ZipInfo],
                     max_rows: int, name: str) -> list[list[Any]]:
    _check_sheet_xml(archive, sheet_parts[name], f"工作表「{name}」", max_rows)
    return _read_calamine_sheet(book, max_rows, name)


_VALUE = re.compile(rb"<(?:[\w.-]{1,32}:)?[vt](?:\s[^<>]*)?>[^<]")
_NOT_MARKUP = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)
_ATTRIBUTES = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)>"""
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet(?=[\s/>])" + _ATTRIBUTES)
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship(?=[\s/>])" + _ATTRIBUTES)


def _attribute(attributes: bytes, *names: str) -> str | None:
    keys = "|".join(re.escape(name) for name in names)
    found = re.search(rf"""(?<![\w:.-])(?:{keys})\s*=\s*(?:"([^"]*)"|'([^']*)')""".encode(), attributes)
    return None if found is None else (found[1] if found[1] is not None else found[2]).decode("utf-8", "replace")


def _index_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> bytes:
    if info is None or info.file_size > _MAX_INDEX_PART:
        raise _damaged("工作簿目录缺失或过大")
    try:
        data = archive.read(info)
        ElementTree.fromstring(data)
    except (ElementTree.ParseError, *_ZIP_ERRORS) as error:
        raise _damaged(error) from error
    return _NOT_MARKUP.sub(b"", data)


def _sheet_parts(archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo],
                 names: list[str]) -> dict[str, zipfile.ZipInfo]:
    """Sheet name → the XML part calamine reads for it (for a repeated name, the first).

    Taken from the raw XML as calamine takes it (raw relationship ids and targets, unescaped
    names), once an XML parser has confirmed the part is well formed.
    """
    targets = {}
    for found in _RELATIONSHIP.finditer(_index_part(archive, parts.get("xl/_rels/workbook.xml.rels"))):
        targets[_attribute(found[1], "Id")] = _attribute(found[1], "Target") or ""
    sheets: list[tuple[str, zipfile.ZipInfo | None]] = []
    for found in _SHEET.finditer(_index_part(archive, parts["xl/workbook.xml"])):
        target = targets.get(_attribute(found[1], "r:id", "relationships:id"), "")
        path = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else "xl/" + target
        unusual = ".." in path or "\\" in path or "//" in path
        sheets.append((html.unescape(_attribute(found[1], "name") or ""), None if unusual else parts.get(path.lower())))
    if [name for name, _ in sheets] != names or any(info is None for _, info in sheets):
        raise _damaged("工作簿目录与工作表不一致")
    return dict(reversed(sheets))  # reversed: for a repeated name the first sheet wins, as in calamine


def _pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's XML in pieces of about 1 MB, each cut before its last "<" so no tag is split."""
    rest = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_MB):
                text = rest + chunk
                cut = text.rfind(b"<")
                cut = len(text) if cut <= 0 or len(text) - cut > _MB else cut
                rest = text[cut:]
                yield text[:cut]
    except _ZIP_ERRORS as error:
        raise _damaged(error) from error
    yield rest


def _column_number(name: str) -> int:
    number = 0
    for letter in name.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _at_most(limit: str, symbols: str) -> str:
    """Regex for a run of ``symbols`` (digits, or letters in either case) counting at most
    ``limit``: a shorter run without a leading zero, or one as long and not larger."""
    def one_of(chars: str) -> str:
        return "[" + "".join(sorted(set(chars + chars.lower()))) + "]"

    options = [one_of(symbols.lstrip("0")) + one_of(symbols) + "{0,%d}" % (len(limit) - 2)] if len(limit) > 1 else []
    for i, symbol in enumerate(limit):
        lower = symbols[:symbols.index(symbol)]
        lower = lower.lstrip("0") if i == 0 else lower
        if lower:
            prefix = "".join(one_of(c) for c in limit[:i])
            options.append(prefix + one_of(lower) + one_of(symbols) + "{%d}" % (len(limit) - i - 1))
    options.append("".join(one_of(c) for c in limit))
    return "(?:" + "|".join(options) + ")"


@lru_cache(maxsize=16)
def _unusual_cell(row_limit: int, column_limit: int) -> re.Pattern[bytes]:
    """A cell tag other than ``<c r="..."`` with a column up to ``column_limit`` and a row up to
    ``row_limit``: one regex pass over the sheet finds the few cells worth a closer look."""
    letters, number = "", column_limit
    while number:
        number, rest = divmod(number - 1, 26)
        letters = _LETTERS[rest] + letters
    usual = _at_most(letters, _LETTERS) + _at_most(str(row_limit), "0123456789")
    return re.compile(rb'<c(?! r="' + usual.encode() + rb'")(?=[\s>/])')


_CELL_TAG = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"' + _ATTRIBUTES)
_ODD_XML = re.compile(rb":(?:c|row)[\s>/]")


def _check_sheet_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, max_rows: int) -> None:
    """Raises WorkbookError if a cell with content lies beyond the row, column or area limits.

    One regex pass suffices for a sheet written the usual way; a wide sheet, or one written in
    an unusual way (cells without r, name prefixes, r not first), is walked by an XML parser.
    """
    row_limit = max_rows + HEADER_ROOM
    pattern = _unusual_cell(row_limit, min(MAX_COLUMNS, MAX_CELLS // row_limit))
    for index, piece in enumerate(_pieces(archive, info)):
        if (index == 0 and b"\x00" in piece[:512]) or _ODD_XML.search(piece):  # UTF-16, or prefixes
            return _check_walked_cells(archive, info, label, max_rows)
        for found in pattern.finditer(piece):
            cell = _CELL_TAG.match(piece, found.start())
            if cell is None:
                return _check_walked_cells(archive, info, label, max_rows)
            if not cell[3].endswith(b"/"):  # <c .../> is an empty cell: calamine skips it
                _check_extent(label, max_rows, int(cell[2]), _column_number(cell[1].decode()))
                return _check_walked_cells(archive, info, label, max_rows)


class _CellWalker:
    """Places cells as calamine does: a cell without r follows the previous one."""

    def __init__(self) -> None:
        self.row, self.column, self.open_cell = 0, 0, None
        self.found: list[tuple[int, int]] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        name = name.rpartition(":")[2]
        if self.open_cell is not None:  # the open cell has content
            self.found.append(self.open_cell)
            self.open_cell = None
        if name == "row" and (ref := re.fullmatch(r"[A-Za-z]*([0-9]+)", attributes.get("r", ""))):
            self.row = int(ref[1]) - 1
        elif name == "c":
            ref = re.fullmatch(r"([A-Za-z]+)([0-9]+)", attributes.get("r", ""))
            if ref:
                self.column = _column_number(ref[1]) - 1
            self.open_cell = (int(ref[2]) if ref else self.row + 1, self.column + 1)
            self.column += 1

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name == "c":
            self.open_cell = None
        elif name == "row":
            self.row, self.column = self.row + 1, 0

    @staticmethod
    def refuse_doctype(*_: object) -> None:
        raise _damaged("工作表含有 DOCTYPE 声明")  # a DTD could give cells an r that calamine does not see


def _check_walked_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, max_rows: int) -> None:
    walker, parser = _CellWalker(), expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = walker.start, walker.end
    parser.StartDoctypeDeclHandler = walker.refuse_doctype
    rows = columns = 0
    try:
        for piece in _pieces(archive, info):
            parser.Parse(piece, False)
            for row, column in walker.found:
                rows, columns = max(rows, row), max(columns, column)
                _check_extent(label, max_rows, rows, columns)
            walker.found.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise _damaged(f"工作表 XML 格式有误：{error}") from error


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
                _check_extent("CSV 文件", max_rows, len(rows) + 1, len(row))
            rows.append(row)
    except csv.Error as error:
        raise WorkbookError(f"CSV 文件第 {len(rows) + 1} 行格式有误：{error}") from error
    return _trimmed(rows)
