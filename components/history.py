"""The 历史 tab: every event of a record, one row per changed field."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from db.models import AuditEvent
from domain.audit import ACTION_LABELS
from domain.formatting import local_time


def history_frame(events: list[AuditEvent]) -> pd.DataFrame:
    rows = []
    for event in events:
        base = {"时间": local_time(event.at), "操作人": event.actor.name if event.actor else "系统",
                "操作": ACTION_LABELS.get(event.action, event.action), "原因/意见": event.reason or ""}
        if not event.changes:
            rows.append({**base, "字段": "", "原值": "", "新值": ""})
        for change in event.changes:
            rows.append({**base, "字段": change.get("label") or change.get("field"),
                         "原值": change.get("old") or "", "新值": change.get("new") or ""})
    return pd.DataFrame(rows, columns=["时间", "操作人", "操作", "字段", "原值", "新值", "原因/意见"])


def show_history(events: list[AuditEvent]) -> None:
    if not events:
        st.info("暂无记录。")
        return
    st.dataframe(history_frame(events), hide_index=True, width="stretch", column_config={
        "原值": st.column_config.TextColumn("原值", width="medium"),
        "新值": st.column_config.TextColumn("新值", width="medium"),
        "原因/意见": st.column_config.TextColumn("原因/意见", width="medium"),
    })
