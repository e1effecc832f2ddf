"""年度归档: a customer's year as the paper volume's digital twin — the six categories of the archive
policy (DOMAIN.md §4), each a numbered part with a table of contents (目录) in front."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from domain.errors import UserFacingError

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


def contents(customer: str, archive_no: str, year: int, parts: list[Part]) -> tuple[str, Sequence[str], list]:
    """The 目录 sheet: every part numbered within its category, with how many entries it holds."""
    rows: list[Sequence[Any]] = [("", f"{customer}（{archive_no}） {year} 年度档案", "", "")]
    for number, category in enumerate(CATEGORIES, start=1):
        mine = [p for p in parts if p.category == number]
        if not mine:
            rows.append((f"{number}", category, "（本年度无记录）", 0))
        for index, part in enumerate(mine, start=1):
            rows.append((f"{number}.{index}", category, f"{part.title}（工作表「{part.sheet}」）", len(part.rows)))
    return "目录", ("编号", "类别", "内容", "条数"), rows


def check_year(year: int, this_year: int) -> None:
    if not 2000 <= year < this_year:
        raise VolumeError(f"只能归档已经结束的年度（2000 至 {this_year - 1} 年）")
