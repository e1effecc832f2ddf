"""分类方案 (admins): rename, reorder, add and retire classes; choose which schemes are active; each
class's contact cadence (跟进频率), the escalation days and the 公海 rules."""
import pandas as pd
import streamlit as st

from components.auth import require_user
from components.cadence_editor import cadence_editor, describe, escalation_setting
from components.feedback import run_write, show_flash
from components.pool_rules import class_days_editor, pool_settings_form
from db import schemes as scheme_db
from db.cadence import all_rules, escalate_after_days
from db.engine import session_scope
from db.pool import get_settings

admin = require_user(__file__)
st.title("分类方案")
st.caption("停用的分类不能再被选择，但已有该分类的客户保持不变；停用的方案不在看板和档案表单中出现。")
show_flash()

with session_scope() as session:
    schemes = scheme_db.list_schemes(session)
    counts = scheme_db.customers_per_class(session)
    rules = all_rules(session)
    escalate_after = escalate_after_days(session)
    pool_settings = get_settings(session)
by_id = {s.id: s for s in schemes}
scheme_id = st.selectbox("分类方案", list(by_id), key="scheme_admin",
                         format_func=lambda i: by_id[i].name + ("" if by_id[i].is_active else "（未启用）"))
scheme = by_id[scheme_id]

with st.form(f"scheme_{scheme_id}"):
    c1, c2, c3 = st.columns([3, 1, 2])
    name = c1.text_input("方案名称", value=scheme.name)
    active = c2.checkbox("启用", value=scheme.is_active)
    ranked = c3.checkbox("分类有优劣顺序", value=scheme.is_ranked, help="往下移动算降级，须填写原因")
    if st.form_submit_button("保存方案设置"):
        run_write(lambda s: scheme_db.update_scheme(s, admin, scheme_id, name=name, is_active=active,
                                                    is_ranked=ranked), f"已保存「{name.strip()}」")

st.dataframe(pd.DataFrame([{
    "顺序": n, "名称": v.name, "含义": v.meaning or "", "颜色": v.color or "",
    "移入须填原因": "是" if v.is_terminal else "",
    "跟进频率": describe(rules.get(v.id, [])),
    "退回公海": f"{v.pool_days} 天未跟进" if v.pool_days else f"默认（{pool_settings.default_days} 天）",
    "状态": "已停用" if v.is_retired else "在用", "客户数": counts.get(v.id, 0)}
    for n, v in enumerate(scheme.values, start=1)]), hide_index=True, width="stretch")

NEW = 0
values = {v.id: v for v in scheme.values}
chosen = st.selectbox("编辑分类", [NEW, *values], key=f"class_admin_{scheme_id}",
                      format_func=lambda i: "＋ 新增分类" if i == NEW else values[i].name)
value = values.get(chosen)
opened_version = f"class_version_{scheme_id}_{chosen}"  # the version this form was filled from
if value:
    st.session_state.setdefault(opened_version, value.version)
with st.form(f"class_{scheme_id}_{chosen}"):
    c1, c2, c3 = st.columns([2, 4, 1])
    class_name = c1.text_input("分类名称", value=value.name if value else "")
    meaning = c2.text_input("含义", value=(value.meaning or "") if value else "")
    colour = c3.color_picker("颜色", value=(value.color if value and value.color else "#888888"))
    needs_reason = st.checkbox("移入这个分类总须填写原因（如流失、计划淘汰）", value=bool(value and value.is_terminal))
    if st.form_submit_button("保存分类" if value else "新增分类", type="primary"):
        edit = scheme_db.ClassEdit(name=class_name, meaning=meaning, color=colour, needs_reason=needs_reason)
        version = st.session_state.pop(opened_version, None)  # after a conflict, saving again applies to the latest
        run_write(lambda s: scheme_db.save_class(s, admin, scheme_id, value.id if value else None, edit,
                                                 expected_version=version),
                  f"已保存分类「{class_name.strip()}」")
if value:
    b1, b2, b3, _ = st.columns([1, 1, 2, 4])
    if b1.button("上移", key="class_up"):
        run_write(lambda s: scheme_db.move_in_order(s, admin, value.id, -1), f"已上移「{value.name}」")
    if b2.button("下移", key="class_down"):
        run_write(lambda s: scheme_db.move_in_order(s, admin, value.id, +1), f"已下移「{value.name}」")
    label = "恢复使用" if value.is_retired else f"停用（{counts.get(value.id, 0)} 位客户保持此分类）"
    if b3.button(label, key="class_retire"):
        run_write(lambda s: scheme_db.set_retired(s, admin, value.id, not value.is_retired),
                  f"已{'恢复' if value.is_retired else '停用'}「{value.name}」")

    cadence_editor(admin, value, rules.get(value.id, []))
    class_days_editor(admin, value, pool_settings.default_days)

with st.expander("逾期升级", key="escalation_open"):
    escalation_setting(admin, escalate_after)

with st.expander("公海规则", key="pool_rules_open"):
    pool_settings_form(admin, pool_settings)

with st.expander("新增分类方案", key="new_scheme_open"), st.form("new_scheme", clear_on_submit=True):
    new_name = st.text_input("方案名称")
    new_ranked = st.checkbox("分类有优劣顺序", value=True)
    if st.form_submit_button("创建方案"):
        run_write(lambda s: scheme_db.add_scheme(s, admin, new_name, is_ranked=new_ranked),
                  f"已创建分类方案「{new_name.strip()}」，请为它新增分类")
