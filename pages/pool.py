"""公海: customers nobody tends, in limited form (no phones, bank data or history), to be claimed."""
import pandas as pd
import streamlit as st

from components.auth import require_user
from components.feedback import run_write, show_flash
from db.engine import session_scope
from db.pool import PAGE_SIZE, claim, claim_standing, get_settings, pool_page
from domain import permissions
from domain.fields import PROVINCES

user = require_user(__file__)
show_flash()
st.title("公海")
with session_scope() as session:
    settings = get_settings(session)
    standing = claim_standing(session, user)
st.caption(f"超过规定天数未跟进的客户会自动退回公海（默认 {settings.default_days} 天，"
           "重点客户更短，由管理员在「分类方案」中设置）。"
           f"公海中只显示名称、地区、类型和分类；认领后才能看到电话、往来和历史。")
if permissions.can_claim(user):
    a, b = st.columns(2)
    a.metric("今天已认领", f"{standing.claims_today} / {settings.claims_per_day}")
    b.metric("我负责的在用客户", f"{standing.owned} / {settings.max_owned}")

c1, c2 = st.columns([3, 1])
text = c1.text_input("客户名称或档案号", key="pool_search")
province = c2.selectbox("省份", ["", *PROVINCES], format_func=lambda v: v or "全部", key="pool_province")
page = int(st.session_state.get("pool_page", 1))
with session_scope() as session:
    rows, total = pool_page(session, user, search=text, province=province or None, page=page)
pages = max(1, -(-total // PAGE_SIZE))
if not rows:
    st.info("公海里没有符合条件的客户。")
    st.stop()
st.caption(f"共 {total} 位 · 第 {page}/{pages} 页")
table = pd.DataFrame([{"档案号": r.archive_no, "客户名称": r.name, "地区": f"{r.province or ''}{r.city or ''}",
                       "客户类型": r.customer_type or "", "分类": r.classes} for r in rows])
st.dataframe(table, hide_index=True, width="stretch")
if permissions.can_claim(user):
    by_id = {r.id: r for r in rows}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox("认领客户", [0, *by_id], key="pool_pick",
                            format_func=lambda v: (f"{by_id[v].archive_no} {by_id[v].name}" if v
                                                   else "请选择本页中的客户"))
    if right.button("认领", type="primary", key="pool_claim", disabled=not picked, width="stretch"):
        name = by_id[picked].name
        run_write(lambda s: claim(s, user, picked), f"已认领「{name}」，现在由您负责跟进")
if pages > 1:
    st.number_input("页码", min_value=1, max_value=pages, step=1, key="pool_page")
