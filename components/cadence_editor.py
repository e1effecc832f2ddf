"""分类方案 page: the contact cadence of one class, and the escalation days."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.feedback import run_write
from db.cadence import set_escalate_after_days, set_rules
from db.models import ClassValue
from db.models_followups import CadenceRule
from domain.cadence import CHANNEL_LABELS, UNIT_LABELS, Rule
from domain.formatting import plain

CHANNEL = "联系方式"
TIMES = "至少次数"
EVERY = "每"
UNIT = "周期单位"


def describe(rules: list[CadenceRule]) -> str:
    return "；".join(Rule(r.channel, r.times, r.every, r.unit).describe() for r in rules)


def cadence_editor(admin, value: ClassValue, rules: list[CadenceRule]) -> None:
    """A small table of rules (empty: no cadence for this class); saving replaces them all."""
    st.markdown(f"**「{plain(value.name)}」的跟进频率**")
    st.caption("例如：每 1 周 任意方式联系 1 次；每 1 个月 登门拜访 4 次。留空表示这个分类没有跟进频率要求。")
    channels = {label: code for code, label in CHANNEL_LABELS.items()}
    units = {label: code for code, label in UNIT_LABELS.items()}
    frame = pd.DataFrame([{EVERY: r.every, UNIT: UNIT_LABELS[r.unit], CHANNEL: CHANNEL_LABELS[r.channel],
                           TIMES: r.times}
                          for r in rules], columns=[EVERY, UNIT, CHANNEL, TIMES])
    edited = st.data_editor(frame, key=f"cadence_{value.id}", num_rows="dynamic", hide_index=True, column_config={
        EVERY: st.column_config.NumberColumn(EVERY, min_value=0, step=1, required=True),
        UNIT: st.column_config.SelectboxColumn(UNIT, options=list(units), required=True),
        CHANNEL: st.column_config.SelectboxColumn(CHANNEL, options=list(channels), required=True),
        TIMES: st.column_config.NumberColumn(TIMES, min_value=0, step=1, required=True)})
    if st.button("保存跟进频率", key=f"cadence_save_{value.id}"):
        new_rules = [(channels.get(row[CHANNEL], ""), _int(row[TIMES]), _int(row[EVERY]), units.get(row[UNIT], ""))
                     for row in edited.to_dict("records") if any(pd.notna(v) for v in row.values())]
        run_write(lambda s: set_rules(s, admin, value.id, new_rules),
                  f"已保存「{value.name}」的跟进频率，客户的应跟进日期已更新")


def _int(value) -> int | None:
    return int(value) if pd.notna(value) else None


def escalation_setting(admin, days: int) -> None:
    with st.form("escalation"):
        new_days = st.number_input("客户逾期多少天后提醒其上级（逾期升级）", min_value=1, max_value=365, value=days,
                                   step=1)
        if st.form_submit_button("保存"):
            run_write(lambda s: set_escalate_after_days(s, admin, int(new_days)),
                      f"已设为逾期 {int(new_days)} 天提醒上级")
