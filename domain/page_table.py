"""Every page of the app, declared once: its file, title, icon, address, section and who may open it.

The sidebar (components/navigation.py), each page's guard (components/auth.require_user) and the page
tests (tests/pages/test_pages.py) all read this table. To add a page: write pages/<url_path>.py whose
first statement is ``user = require_user(__file__)``, and add one PageSpec line here.

A page's file is named after its address (pages/read-log.py serves /read-log): a freshly started
server, before any session has built the navigation, finds pages by file name, and a page it cannot
find is Streamlit's English "Page not found".
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from domain import permissions as P

ARCHIVES, ADMIN = "客户档案", "管理"


@dataclass(frozen=True)
class PageSpec:
    url_path: str
    title: str
    icon: str
    section: str
    may_open: Callable[[P.Actor], bool]
    in_sidebar: bool = True  # 档案详情 opens from a list, not from the sidebar

    @property
    def path(self) -> str:
        return f"pages/{self.url_path}.py"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "今日待办", ":material/today:", ARCHIVES, P.anyone),
    PageSpec("archives", "客户档案", ":material/folder_shared:", ARCHIVES, P.anyone),
    PageSpec("new", "档案录入", ":material/edit_note:", ARCHIVES, P.can_create),
    PageSpec("calendar", "跟进日历", ":material/calendar_month:", ARCHIVES, P.anyone),
    PageSpec("receivables", "回款提醒", ":material/payments:", ARCHIVES, P.anyone),
    PageSpec("dashboard", "驾驶舱", ":material/monitoring:", ARCHIVES, P.anyone),
    PageSpec("reports", "工作报表", ":material/summarize:", ARCHIVES, P.anyone),
    PageSpec("market", "市场与竞品", ":material/storefront:", ARCHIVES, P.anyone),
    PageSpec("access", "借阅申请", ":material/key:", ARCHIVES, P.anyone),
    PageSpec("pool", "公海", ":material/waves:", ARCHIVES, P.can_see_pool),
    PageSpec("board", "分类看板", ":material/view_kanban:", ARCHIVES, P.anyone),
    PageSpec("import", "导入导出", ":material/upload_file:", ARCHIVES, P.can_import),
    PageSpec("archive", "档案详情", ":material/description:", ARCHIVES, P.anyone, in_sidebar=False),
    PageSpec("review", "审核队列", ":material/fact_check:", ADMIN, P.sees_team),
    PageSpec("read-log", "查阅记录", ":material/visibility:", ADMIN, P.can_read_access_log),
    PageSpec("handover", "离职交接", ":material/move_up:", ADMIN, P.may_hand_over),
    PageSpec("volumes", "年度归档", ":material/inventory_2:", ADMIN, P.can_close_year),
    PageSpec("users", "用户管理", ":material/group:", ADMIN, P.can_manage_users),
    PageSpec("schemes", "分类方案", ":material/category:", ADMIN, P.can_manage_schemes),
)
BY_FILE = {Path(spec.path).name: spec for spec in PAGES}
DEFAULT = PAGES[0]


def spec_of(page_file: str) -> PageSpec:
    """The page declared for a page script (its ``__file__``)."""
    return BY_FILE[Path(page_file).name]
