"""Several workbooks in one import (issue 18 item 5): a .zip opened into its workbooks, each file's sheet
and header row found, and the files grouped by header dialect, so that files laid out alike share one
column mapping, confirmed once.

A dialect is the header row as compared (domain/import_mapping.header_key), column by column: two files
whose headers read the same in the same places are mapped the same way, whatever their title rows.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Sequence

from domain.import_mapping import detect_header_row, header_key
from domain.spreadsheet import Workbook
from domain.xlsx_guard import BOMB_MESSAGE, ZIP_ERRORS, WorkbookError, check_zip_sizes

KINDS = ("xlsx", "xls", "csv")
MAX_FILES = 50                     # files in one import (a dozen is the usual migration)
MAX_UNZIPPED = 200 * 1024 * 1024   # all workbooks of a .zip together
_UTF8_NAME = 0x800                 # zip flag: the member's name is UTF-8 (else cp437, or GBK from Chinese Windows)


@dataclass
class Source:
    """One workbook of the import, as read: its sheet, rows and the header row found (None: not found)."""

    name: str
    workbook: Workbook
    sheet: str
    rows: list[list[Any]]
    header_index: int | None

    @property
    def dialect(self) -> tuple[str, ...]:
        """The header as compared; a file whose header was not found is a dialect of its own."""
        if self.header_index is None:
            return ("", self.name)
        return tuple(header_key(h) for h in self.rows[self.header_index])


def unpack(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """The workbooks of an upload: itself, or the .xlsx/.xls/.csv files inside a .zip (folders,
    hidden files and other kinds left out). Raises WorkbookError for a damaged or oversized .zip."""
    if PurePosixPath(name).suffix.lower() != ".zip":
        return [(name, data)]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if _wanted(_member_name(info))]
            check_zip_sizes(members)
            if sum(info.file_size for info in members) > MAX_UNZIPPED:
                raise WorkbookError(BOMB_MESSAGE)
            files = [(PurePosixPath(_member_name(info)).name, archive.read(info)) for info in members]
    except ZIP_ERRORS as exc:
        raise WorkbookError(f"压缩包「{name}」已损坏或无法打开") from exc
    if not files:
        raise WorkbookError(f"压缩包「{name}」中没有 .xlsx、.xls 或 .csv 文件")
    return files


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it: zips made on Chinese Windows store names in GBK
    without saying so, which Python reads as cp437 (客户.xlsx → ┐═╗º.xlsx)."""
    if info.flag_bits & _UTF8_NAME:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _wanted(path: str) -> bool:
    parts = PurePosixPath(path).parts
    if not parts or path.endswith("/") or parts[0] == "__MACOSX" or any(p.startswith((".", "~$")) for p in parts):
        return False
    return PurePosixPath(path).suffix.lower().lstrip(".") in KINDS


def first_sheet_with_header(workbook: Workbook) -> tuple[str, list[list[Any]], int | None]:
    """The first sheet whose header row is found (a workbook may open on a 说明 sheet), else the first."""
    first = None
    for sheet in workbook.sheet_names:
        rows = workbook.rows(sheet)
        header = detect_header_row(rows)
        if header is not None:
            return sheet, rows, header
        first = first or (sheet, rows)
    assert first is not None
    return first[0], first[1], None


def by_dialect(sources: Sequence[Source]) -> list[list[Source]]:
    """The files grouped by header dialect, in the order their first file was chosen."""
    groups: dict[tuple[str, ...], list[Source]] = {}
    for source in sources:
        groups.setdefault(source.dialect, []).append(source)
    return list(groups.values())


def unique_names(names: Sequence[str]) -> list[str]:
    """File names told apart for the preview and 导入记录: a second 客户.xlsx becomes 客户 (2).xlsx."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 1:
            result.append(name)
        else:
            path = PurePosixPath(name)
            result.append(f"{path.stem} ({seen[name]}){path.suffix}")
    return result
