"""What every screen shares before its first widget: the page title and layout, and one stylesheet
that hides or puts Chinese over the English Streamlit 1.67 hard-codes in its frontend.

Called from components.auth.require_user, the one place both paths pass: app.py's run, and a
page that a freshly started server runs without app.py (see STYLE.md).
"""
from __future__ import annotations

import streamlit as st

from components.uploader import UPLOADER_CSS

PAGE_TITLE = "客档 KeDang"

# A table's toolbar (st.dataframe / st.data_editor) names its buttons in an English tooltip; the one
# hovered gets ours; the column picker is hidden. Its CSV download is off everywhere
# (.streamlit/config.toml client.disableDataExport): exports go through our own buttons, which check
# the export permission and are logged.
TABLE_TOOLBAR_TIPS = {"Search": "在表格中查找", "Fullscreen": "全屏查看",
                      "Close fullscreen": "退出全屏", "Add row": "添加一行", "Delete row": "删除所选行",
                      "Delete rows": "删除所选行"}
TABLE_TOOLBAR_CSS = "".join(
    f'body:has([data-testid="stBaseButton-elementToolbar"][aria-label="{english}"]:hover) '
    f'[role="tooltip"] [data-testid="stTooltipContent"] p {{ font-size: 0; }}\n'
    f'body:has([data-testid="stBaseButton-elementToolbar"][aria-label="{english}"]:hover) '
    f'[role="tooltip"] [data-testid="stTooltipContent"] p::after {{ content: "{chinese}"; font-size: 0.875rem; }}\n'
    for english, chinese in TABLE_TOOLBAR_TIPS.items()) + """
[data-testid="stElementToolbarButton"]:has([aria-label="Show/hide columns"]) { display: none; }
"""  # its menu speaks English ("Select all"); our tables are narrow enough to need no column picker

# An empty date box reads 年-月-日, not yyyy-mm-dd; a pick box Streamlit gives its English default
# placeholder ("Choose an option") shows nothing instead (our own placeholders are Chinese).
EMPTY_INPUT_CSS = "".join(
    f'[data-testid="stDateInputField"] [data-type="{part}"][data-placeholder="true"] {{ font-size: 0; }}\n'
    f'[data-testid="stDateInputField"] [data-type="{part}"][data-placeholder="true"]::after '
    f'{{ content: "{chinese}"; font-size: 0.875rem; }}\n'
    for part, chinese in (("year", "年"), ("month", "月"), ("day", "日"))) + (
    '\ninput[placeholder="Choose an option"]::placeholder, '
    'input[placeholder="Choose options"]::placeholder { color: transparent; }\n')

# Selectors are data-testids read in Chromium from Streamlit 1.67's DOM; tests/browser/test_chinese_chrome.py
# reads the screen's text, so an upgrade that renames one shows up there.
CHROME_CSS = """
/* "Press Enter to submit form" / "Press Enter to apply" under text inputs */
[data-testid="InputInstructions"] { display: none; }
/* the keyboard users' skip link, shown on the first Tab */
[data-testid="stSkipToContent"] { font-size: 0; }
[data-testid="stSkipToContent"]::after { content: "跳到正文"; font-size: 0.875rem; }
""" + TABLE_TOOLBAR_CSS + EMPTY_INPUT_CSS + UPLOADER_CSS


def apply_page_chrome() -> None:
    st.set_page_config(page_title=PAGE_TITLE, page_icon="📁", layout="wide")
    st.html(f"<style>{CHROME_CSS}</style>")  # style only: Streamlit puts it out of the page's flow
