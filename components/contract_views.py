"""An archive's 合同 tab: the contracts with their status, and the form to register one."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.forms import beside, create, create_form, money_box
from db.contracts import add_contract
from db.models_papers import Contract
from domain import contracts as K
from domain.formatting import local_today
from domain.normalize import parse_money


def contracts_tab(user, customer_id: int, contracts: list[Contract], can_edit: bool) -> None:
    today = local_today()
    if contracts:
        frame = pd.DataFrame([{
            "合同编号": c.number, "类型": c.kind, "签订日期": c.signed_on, "开始": c.starts_on,
            "结束": c.ends_on if c.ends_on else "长期",
            "金额（元）": f"{c.amount:,.2f}" if c.amount is not None else "",
            "长期合同": "是" if c.long_term else "", "状态": K.status(c.starts_on, c.ends_on, today),
            "主要条款": c.terms or ""} for c in contracts])
        st.dataframe(frame.style.apply(lambda col: ["color: #d62728" if v in (K.ENDING, K.EXPIRED) else ""
                                                    for v in col], subset=["状态"]),
                     hide_index=True, width="stretch")
        st.caption(f"到期前 {K.REMIND_DAYS} 天出现在负责人的今日待办。标为「长期合同」且在有效期内的，"
                   "分类看板的规则建议会提示把生命周期改为「长期客户」。")
    else:
        st.info("还没有合同或协议。")
    if not can_edit:
        return
    base = f"contract:{customer_id}"
    with st.expander("登记合同 / 协议", key=f"contract_open:{customer_id}"), create_form(base):
        a, b, c = st.columns(3)
        with a:
            number = st.text_input("合同编号 *", max_chars=60)
            beside(base, "number")
        with b:
            kind = st.selectbox("类型 *", K.KINDS)
            beside(base, "kind")
        with c:
            amount = money_box("金额（元）")
            beside(base, "amount")
        with a:
            signed = st.date_input("签订日期 *", value=today, max_value=today, format="YYYY-MM-DD")
            beside(base, "signed_on")
        with b:
            starts = st.date_input("开始日期 *", value=today, format="YYYY-MM-DD")
            beside(base, "starts_on")
        with c:
            ends = st.date_input("结束日期（长期有效可不填）", value=None, format="YYYY-MM-DD")
            beside(base, "ends_on")
        long_term = st.checkbox("长期合同（签订后建议把生命周期改为「长期客户」）")
        terms = st.text_area("主要条款", placeholder="供货价格、返利、账期、排他条款等")
        beside(base, "terms")
        if st.form_submit_button("保存合同", type="primary"):
            create(base, lambda s: add_contract(s, user, customer_id, K.ContractInput(
                number, kind, signed, starts, ends, parse_money(amount), terms, long_term)),
                f"合同 {number.strip()} 已登记")
