"""分类方案 page: the 公海 rules — one class's return days, and the pool's numbers."""
from __future__ import annotations

import streamlit as st

from components.feedback import run_write
from db.models import ClassValue
from db.pool import save_settings, set_class_days
from domain.formatting import plain
from domain.pool import SETTING_LABELS, PoolSettings


def class_days_editor(admin, value: ClassValue, default_days: int) -> None:
    """Return days of one class; 0 means "use the default"."""
    with st.form(f"pool_days_{value.id}"):
        days = st.number_input(f"「{plain(value.name)}」的客户多少天未跟进退回公海（0 表示用默认 {default_days} 天）",
                               min_value=0, max_value=3650, value=value.pool_days or 0, step=1)
        if st.form_submit_button("保存退回天数"):
            chosen = int(days) or None
            run_write(lambda s: set_class_days(s, admin, value.id, chosen),
                      f"「{value.name}」" + (f"{chosen} 天未跟进退回公海" if chosen else "改用默认天数"))


def pool_settings_form(admin, settings: PoolSettings) -> None:
    with st.form("pool_settings"):
        st.caption("分类各自的退回天数在上方每个分类下设置；客户有多个分类时取最短的天数。")
        columns = st.columns(len(SETTING_LABELS))
        values = {name: columns[i].number_input(label, min_value=0, value=getattr(settings, name), step=1,
                                                key=f"pool_{name}")
                  for i, (name, label) in enumerate(SETTING_LABELS.items())}
        if st.form_submit_button("保存公海规则"):
            chosen = PoolSettings(**{k: int(v) for k, v in values.items()})
            run_write(lambda s: save_settings(s, admin, chosen), "公海规则已保存")
