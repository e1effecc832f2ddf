"""Checks an .xlsx must pass before python-calamine may read it.

calamine turns a sheet into a dense grid from its first to its last cell with a value, and
aborts the whole process (a Rust allocation failure, not an exception) when the grid does not
fit in memory: one value at XFD1048576 is enough. So the sheet's XML is scanned for cells
beyond the row, column and area limits first — one regex pass for sheets written the usual
way, an XML walk (placing cells as calamine does) for unusual ones. Which zip part is which
sheet is worked out exactly as calamine does it.
"""
from __future__ import annotations

import html
import re
import zipfile
import zlib
from functools import lru_cache
from typing import Iterator
from xml.etree import ElementTree
from xml.parsers import expat

from domain.errors import UserFacingError

MAX_COLUMNS = 500
HEADER_ROOM = 200  # rows allowed besides the data: titles, notes and the header itself
MAX_CELLS = 20_000_000  # the grid from A1 to the last cell, e.g. 100 columns × 200 000 rows

MB = 1024 * 1024
MAX_UNZIPPED_TOTAL, MAX_UNZIPPED_PART = 600 * MB, 300 * MB
RATIO_CHECKED_FROM, MAX_RATIO = 20 * MB, 100
_MAX_INDEX_PART = 10 * MB  # xl/workbook.xml and its relationships

ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
              NotImplementedError, RuntimeError)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BOMB_MESSAGE = "文件解压后过大（疑似压缩炸弹），已拒绝导入"


class WorkbookError(UserFacingError):
    """The file cannot be read at all; the message says why, in Chinese."""


def check_zip_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a decompression bomb from the zip's declared sizes: over 600 MB in all, a part over
    300 MB, or a part over 20 MB that is more than 100 times its compressed size."""
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_TOTAL or any(
            info.file_size > min(MAX_UNZIPPED_PART, max(RATIO_CHECKED_FROM, MAX_RATIO * info.compress_size))
            for info in infos):
        raise WorkbookError(BOMB_MESSAGE)


def check_extent(label: str, max_rows: int, rows: int, columns: int) -> None:
    """Raises if a sheet reaching row ``rows`` and column ``columns`` (from 1) breaks a limit."""
    if columns > MAX_COLUMNS:
        raise WorkbookError(f"{label}的列数超过 {MAX_COLUMNS} 列的上限（可能是格式异常的文件）")
    if rows > max_rows + HEADER_ROOM:
        raise WorkbookError(f"{label}超过 {max_rows} 行的上限")
    if rows * columns > MAX_CELLS:
        raise WorkbookError(f"{label}的数据区域过大（{rows} 行 × {columns} 列），请删除多余的行和列后再导入")


def damaged(detail: object) -> WorkbookError:
    return WorkbookError("文件已损坏或不是有效的 Excel 工作簿"
                         f"（{(str(detail).strip() or type(detail).__name__)[:120]}）")


HAS_VALUE = re.compile(rb"<(?:[\w.-]{1,32}:)?[vt](?:\s[^<>]*)?>[^<]")
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
        raise damaged("工作簿目录缺失或过大")
    try:
        data = archive.read(info)
        ElementTree.fromstring(data)
    except (ElementTree.ParseError, *ZIP_ERRORS) as error:
        raise damaged(error) from error
    return _NOT_MARKUP.sub(b"", data)


def sheet_parts(archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo],
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
        raise damaged("工作簿目录与工作表不一致")
    return dict(reversed(sheets))  # reversed: for a repeated name the first sheet wins, as in calamine


def pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's XML in pieces of about 1 MB, each cut before its last "<" so no tag is split."""
    rest = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(MB):
                text = rest + chunk
                cut = text.rfind(b"<")
                cut = len(text) if cut <= 0 or len(text) - cut > MB else cut
                rest = text[cut:]
                yield text[:cut]
    except ZIP_ERRORS as error:
        raise damaged(error) from error
    yield rest


def _column_number(name: str) -> int:
    return sum((ord(letter) - 64) * 26 ** power for power, letter in enumerate(reversed(name.upper())))


def _at_most(limit: str, symbols: str) -> str:
    """Regex for a run of ``symbols`` (digits, or letters in either case) counting at most
    ``limit``: a shorter run without a leading zero, or one as long and not larger."""
    def one_of(chars: str) -> str:
        return "[" + "".join(sorted(set(chars + chars.lower()))) + "]"

    options = [one_of(symbols.lstrip("0")) + one_of(symbols) + "{0,%d}" % (len(limit) - 2)] if len(limit) > 1 else []
    for i, symbol in enumerate(limit):
        lower = symbols[:symbols.index(symbol)].lstrip("0" if i == 0 else "")
        if lower:
            prefix = "".join(one_of(c) for c in limit[:i])
            options.append(prefix + one_of(lower) + one_of(symbols) + "{%d}" % (len(limit) - i - 1))
    options.append("".join(one_of(c) for c in limit))
    return "(?:" + "|".join(options) + ")"


@lru_cache(maxsize=64)
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


def check_sheet_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, max_rows: int) -> None:
    """Raises WorkbookError if a cell with content lies beyond the row, column or area limits.

    A regex pass looks only at cells beyond the widest column seen so far (at first, the widest
    that cannot break the area limit) or beyond the rows that width allows; a wider sheet gets
    a second pass with its real width. A sheet written in an unusual way (cells without r,
    name prefixes, r not first) is walked by an XML parser instead.
    """
    row_limit = max_rows + HEADER_ROOM
    columns, widened = min(MAX_COLUMNS, MAX_CELLS // row_limit), True
    while widened:
        widened = False
        pattern = _unusual_cell(min(row_limit, MAX_CELLS // columns), columns)
        for index, piece in enumerate(pieces(archive, info)):
            if (index == 0 and b"\x00" in piece[:512]) or _ODD_XML.search(piece):  # UTF-16, or prefixes
                return _check_walked_cells(archive, info, label, max_rows)
            position = 0
            while found := pattern.search(piece, position):
                position = found.end()
                cell = _CELL_TAG.match(piece, found.start())
                if cell is None:
                    return _check_walked_cells(archive, info, label, max_rows)
                if cell[3].endswith(b"/"):  # <c .../> is an empty cell: calamine skips it
                    continue
                row, column = int(cell[2]), _column_number(cell[1].decode())
                check_extent(label, max_rows, row, max(column, columns))
                if column > columns:
                    columns, widened = column, True
                    pattern = _unusual_cell(min(row_limit, MAX_CELLS // columns), columns)


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


def _check_walked_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, max_rows: int) -> None:
    walker, parser = _CellWalker(), expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = walker.start, walker.end
    parser.specified_attributes = True  # calamine ignores a DTD, so no default r from one either
    rows = columns = 0
    try:
        for piece in pieces(archive, info):
            parser.Parse(piece, False)
            for row, column in walker.found:
                rows, columns = max(rows, row), max(columns, column)
                check_extent(label, max_rows, rows, columns)
            walker.found.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise damaged(f"工作表 XML 格式有误：{error}") from error


