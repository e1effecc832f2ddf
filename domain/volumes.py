"""年度归档: a customer's year as the paper volume's digital twin — the six categories of the archive
policy (DOMAIN.md §4), each a numbered part with a table of contents (目录) in front.

Which archives a year's volume holds: every archive with anything dated in that year — follow-ups,
complaints, discounts, contracts, receivables and payments, market notes, monthly sales, files,
class movements, or the archive created or changed (``ARCHIVE_CHANGES``) — and each part holds
its own records of that year (db/volumes.py). The current year can be exported too, as it stands
today (截至); only an ended year can be closed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from domain.errors import UserFacingError

# History actions that change an archive (its content, owner or state): they put it in that year's volume.
ARCHIVE_CHANGES = ("update", "import_update", "reactivate", "handover", "pool_claim", "pool_release", "pool_return",
                   "restore_deleted")
YEARS_SHOWN = 11  # the current year and the ten before it

CATEGORIES = ["基本资料", "合同协议", "信用与欠款还款", "投诉与折价", "市场与同行动态", "内部销售与提成"]


class VolumeError(UserFacingError):
    pass


@dataclass
class Part:
    """One table of a volume: its category (1–6), title, headers and rows."""

    category: int
    title: str
    headers: Sequence[str]
    rows: list[Sequence[Any]]

    @property
    def sheet(self) -> str:
        return f"{self.category} {self.title}"[:31]


def contents(parts: list[Part]) -> tuple[str, Sequence[str], list]:
    """The 目录 sheet: every part numbered within its category, with how many entries it holds.

    The workbook's title row above the headers names the customer and the year (``volume_title``)."""
    rows: list[Sequence[Any]] = []
    for number, category in enumerate(CATEGORIES, start=1):
        mine = [p for p in parts if p.category == number]
        if not mine:
            rows.append((f"{number}", category, "（本年度无记录）", 0))
        for index, part in enumerate(mine, start=1):
            rows.append((f"{number}.{index}", category, f"{part.title}（工作表「{part.sheet}」）", len(part.rows)))
    return "目录", ("编号", "类别", "内容", "条数"), rows


def volume_years(today: dt.date) -> list[int]:
    """The years offered, newest first: the current one (a volume so far) and the ten before it."""
    return list(range(today.year, today.year - YEARS_SHOWN, -1))


def volume_status(year: int, today: dt.date, closed: bool) -> str:
    """How far a volume goes: the current year only up to today, and never closed."""
    if year >= today.year:
        return f"截至 {today:%Y-%m-%d}，未封存"
    return "已封存" if closed else "全年，未封存"


def volume_title(customer: str, archive_no: str, year: int, status: str) -> str:
    return f"{customer}（{archive_no}） {year} 年度档案（{status}）"


def volume_file_stem(year: int, today: dt.date) -> str:
    """``2025年度`` for an ended year, ``2026年度_截至2026-12-05`` for the current one."""
    return f"{year}年度" + (f"_截至{today:%Y-%m-%d}" if year >= today.year else "")


def check_export_year(year: int, today: dt.date) -> None:
    if not 2000 <= year <= today.year:
        raise VolumeError(f"只能导出 2000 至 {today.year} 年的年度档案")


def check_year(year: int, this_year: int) -> None:
    """Only an ended year may be closed (``this_year`` is the first year refused)."""
    if not 2000 <= year < this_year:
        raise VolumeError(f"只能归档已经结束的年度（2000 至 {this_year - 1} 年）")
