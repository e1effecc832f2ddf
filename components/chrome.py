"""What every screen shares before its first widget: the page title and layout, and one stylesheet
that hides or puts Chinese over the English Streamlit 1.67 hard-codes in its frontend.

Called from components.auth.require_user, the one place both paths pass: app.py's run, and a
page that a freshly started server runs without app.py (see STYLE.md).
"""
from __future__ import annotations

import streamlit as st

from components.uploader import UPLOADER_CSS

PAGE_TITLE = "客档 KeDang"

# Selectors are data-testids read in Chromium from Streamlit 1.67's DOM; tests/browser/test_chinese_chrome.py
# reads the screen's text, so an upgrade that renames one shows up there.
CHROME_CSS = """
/* "Press Enter to submit form" / "Press Enter to apply" under text inputs */
[data-testid="InputInstructions"] { display: none; }
/* the keyboard users' skip link, shown on the first Tab */
[data-testid="stSkipToContent"] { font-size: 0; }
[data-testid="stSkipToContent"]::after { content: "跳到正文"; font-size: 0.875rem; }
""" + UPLOADER_CSS


def apply_page_chrome() -> None:
    st.set_page_config(page_title=PAGE_TITLE, page_icon="📁", layout="wide")
    st.html(f"<style>{CHROME_CSS}</style>")  # style only: Streamlit puts it out of the page's flow
