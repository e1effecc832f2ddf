"""One Streamlit widget per registry field kind, and table editors for child rows.

Widget values live in ``st.session_state`` under their keys, so whatever the
user typed survives a failed save and reruns.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from domain import fields as F
from domain.formatting import plain

UNSET = "（未填）"


def to_widget_value(field: F.Field, value: Any) -> Any:
    """What the widget of ``field`` shows for a stored value. Numbers and dates are text boxes: what
    the user types reaches the same rule as an import (domain/validation.clean_value) and is stored as
    typed or refused beside the box — a number box would drop -5 or 150 without a word."""
    if value is None:
        return None
    if field.kind in F.NUMBER_KINDS:
        return format(Decimal(value).normalize(), "f") if not isinstance(value, str) else value
    if field.kind == F.DATE:
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


PLACEHOLDERS = {F.DATE: "如 2024-05-01、2024年5月 或 2008", F.INT: "整数", F.DECIMAL: "数字", F.PERCENT: "0–100",
                F.PHONE: "如 0510-82720011 或 13800138000"}
# Said beside the box, so a stored form that differs from what was typed is no surprise.
HELP = {F.DATE: "只写年份或年月时，记为该年 1 月 1 日或该月 1 日（2008 → 2008-01-01）",
        F.PHONE: "手机 11 位；座机带区号。保存为统一格式：0510 8272 0011 → 0510-82720011，分机写在「转」后"}


def field_widget(field: F.Field, key: str, initial: Any, error: str | None) -> Any:
    """Draw the widget for ``field`` (initialised once from ``initial``) and its error, if any.

    Text boxes have no length cap in the browser (a paste past the cap would vanish without a word):
    the field's rule refuses it beside the box and the text stays."""
    if key not in st.session_state:
        st.session_state[key] = to_widget_value(field, initial)
    label = field.label_with_unit + (" *" if field.required else "")
    kind = field.kind
    if kind == F.CHOICE:
        value = st.selectbox(label, [None, *field.choices], key=key, help=field.help or None,
                             format_func=lambda v: UNSET if v is None else v, placeholder=UNSET)
    elif kind == F.BOOL:
        value = st.selectbox(label, [None, True, False], key=key, help=field.help or None,
                             format_func=lambda v: UNSET if v is None else ("是" if v else "否"), placeholder=UNSET)
    elif kind == F.LONGTEXT:
        value = st.text_area(label, key=key, help=field.help or None)
    else:
        value = st.text_input(label, key=key, help=field.help or HELP.get(kind), placeholder=PLACEHOLDERS.get(kind))
    if error:
        st.markdown(f":red[⚠ {field.label}：{plain(error)}]")
    return value


def _clean_cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str) and not value.strip():
        return None
    return value


def table_editor(key: str, rows: list[dict[str, Any]], columns: dict[str, str],
                 column_config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """An editable table (add and delete rows) over ``rows``; returns the rows as they are now."""
    init_key = f"{key}:init"
    if init_key not in st.session_state:
        frame = pd.DataFrame([{c: _display_cell(r.get(c)) for c in columns} for r in rows], columns=list(columns))
        st.session_state[init_key] = frame
    config = {name: st.column_config.TextColumn(label) for name, label in columns.items()}
    config.update(column_config or {})
    edited = st.data_editor(st.session_state[init_key], key=key, num_rows="dynamic", hide_index=True, placeholder="",
                            column_config=config, width="stretch")
    return [{c: _clean_cell(v) for c, v in record.items()} for record in edited.to_dict("records")]


def _display_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def reset_form_state(prefix: str) -> None:
    """Forget every widget value under ``prefix`` (after a successful save)."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
