"""客户资料卡 on screen, printable (the .xlsx is domain/workbooks.card_workbook)."""
from __future__ import annotations

import html

import streamlit as st
import streamlit.components.v1 as st_components

from domain.card import CardSection

PRINT_CSS = """
<style>
.kd-card h4 {margin: 0.8em 0 0.3em; border-bottom: 2px solid #b22222; color: #b22222;}
.kd-card table {border-collapse: collapse; width: 100%; font-size: 0.9em; margin-bottom: 0.5em;}
.kd-card td, .kd-card th {border: 1px solid #999; padding: 3px 6px; text-align: left;}
.kd-card th, .kd-card td.kd-label {background: #f4efe6; white-space: nowrap;}
.kd-wide {overflow-x: auto;}
@media (max-width: 640px) {  /* a phone: one label and value per line, long lists scroll inside their box */
  .kd-card table.kd-fields, .kd-card table.kd-fields tbody, .kd-card table.kd-fields tr {display: block;}
  .kd-card table.kd-fields td {display: inline-block; width: 50%; box-sizing: border-box; white-space: normal;
                               word-break: break-all; vertical-align: top; min-height: 1.8em;}
}
@media print {
  [data-testid="stSidebar"], header, [data-testid="stToolbar"], .stButton, .stDownloadButton,
  [data-testid="stTabs"] [role="tablist"], .kd-noprint {display: none !important;}
  .kd-card {page-break-inside: auto;}
  .kd-back {break-before: page;}
}
</style>
"""


def _section_html(section: CardSection) -> str:
    parts = [f"<h4>{html.escape(section.title)}</h4>"]
    if section.items:
        cells = [f"<td class='kd-label'>{html.escape(k)}</td><td>{html.escape(v)}</td>" for k, v in section.items]
        rows = ["<tr>" + "".join(cells[i:i + 3]) + "</tr>" for i in range(0, len(cells), 3)]
        parts.append("<table class='kd-fields'>" + "".join(rows) + "</table>")
    if section.table is not None:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in section.table[0])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in section.table[1:]) or f"<tr><td colspan='{len(section.table[0])}'>（无）</td></tr>"
        parts.append(f"<div class='kd-wide'><table><tr>{head}</tr>{body}</table></div>")
    return "".join(parts)


def show_card(title: str, sides: dict[str, list[CardSection]]) -> None:
    st.markdown(PRINT_CSS, unsafe_allow_html=True)
    body = [f"<div class='kd-card'><h3>{html.escape(title)} · 客户资料卡</h3>"]
    for i, (side, sections) in enumerate(sides.items()):
        css = " class='kd-back'" if i else ""  # the back of the card starts a new printed page
        body.append(f"<h3{css}>{side}</h3>" + "".join(_section_html(s) for s in sections))
    st.markdown("".join(body) + "</div>", unsafe_allow_html=True)


def print_button(label: str = "打印资料卡") -> None:
    """Opens the browser's print dialog for this page (sidebar and buttons are hidden in print)."""
    if st.button(label, key="print_page", icon=":material/print:"):
        st_components.html("<script>window.parent.print();</script>", height=0)
