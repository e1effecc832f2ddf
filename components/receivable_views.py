"""Receivables on screen: an archive's 应收账款 tab, the lists, and the import (the aging chart is
components/dashboard_charts.aging_chart)."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from components.forms import beside, create, create_form, money_box
from components.uploader import file_uploader
from db.engine import session_scope
from db.models_followups import Receivable
from db.receivables import ImportRefused, add_receivable, import_receivables, record_payment
from domain.errors import UserFacingError
from domain.formatting import local_today, plain
from domain.normalize import parse_money
from domain.receivables import BUCKET_LABELS, NOT_DUE, ReceivableError, ReceivableInput, aging_bucket, days_overdue
from domain.spreadsheet import WorkbookError, read_workbook


def receivable_frame(items: list[Receivable], customers: dict | None = None) -> pd.DataFrame:
    """One row per receivable; ``customers`` (id → Customer) adds the customer's name and 档案号."""
    today = local_today()
    return pd.DataFrame([{
        **({"客户": customers[r.customer_id].name, "档案号": customers[r.customer_id].archive_no}
           if customers else {}),
        "单据号": r.doc_no or "", "开票/发货日期": r.doc_date, "金额（元）": float(r.amount), "到期日": r.due_date,
        "已回款（元）": float(r.paid), "未收（元）": float(r.outstanding),
        "账龄": aging_bucket(r.due_date, today) if r.outstanding > 0 else "已结清",
        "逾期天数": days_overdue(r.due_date, today) if r.outstanding > 0 else 0,
    } for r in items])


def styled(frame: pd.DataFrame):
    late = frame["账龄"].isin([label for label in BUCKET_LABELS if label != NOT_DUE])
    return frame.style.apply(lambda column: ["color: #d62728" if x else "" for x in late],
                             subset=["账龄", "未收（元）"]) \
        .format({"金额（元）": "{:,.2f}", "已回款（元）": "{:,.2f}", "未收（元）": "{:,.2f}"})


def receivables_tab(user, customer_id: int, credit_days: int | None, items: list[Receivable], can_edit: bool) -> None:
    owed = sum((r.outstanding for r in items), Decimal(0))
    st.caption(f"账期 {credit_days or 0} 天 · 未收合计 {owed:,.2f} 元 · 到期前 3 天出现在负责人的今日待办")
    if items:
        st.dataframe(styled(receivable_frame(items)), hide_index=True, width="stretch")
    else:
        st.info("还没有应收账款。")
    if not can_edit:
        return
    base = f"receivable:{customer_id}"
    with st.expander("录入应收账款", key=f"receivable_open:{customer_id}"), create_form(base):
        left, right = st.columns(2)
        with left:
            doc_date = st.date_input("开票/发货日期 *", value=local_today(), format="YYYY-MM-DD")
            beside(base, "doc_date")
        with right:
            amount = money_box("金额（元）*")
            beside(base, "amount")
        with left:
            due = st.date_input("到期日（不填则按账期）", value=None, format="YYYY-MM-DD")
            beside(base, "due_date")
        with right:
            paid = money_box("已回款（元）")
            beside(base, "paid")
        doc_no = left.text_input("单据号", max_chars=60)
        note = right.text_input("备注", max_chars=200)
        if st.form_submit_button("保存", type="primary"):
            create(base, lambda s: add_receivable(s, user, customer_id, ReceivableInput(
                doc_date, parse_money(amount), due, parse_money(paid, "paid") or Decimal(0), doc_no, note)),
                "应收账款已保存")
    open_items = {r.id: r for r in items if r.outstanding > 0}
    if open_items:
        paying = f"payment:{customer_id}"
        with st.expander("登记回款", key=f"payment_open:{customer_id}"), create_form(paying):
            chosen = st.selectbox("应收账款", list(open_items), format_func=lambda i: (
                f"{open_items[i].doc_no or open_items[i].doc_date} · 未收 {open_items[i].outstanding:,.2f} 元"))
            amount = money_box("本次回款（元）*")
            beside(paying, "amount")
            if st.form_submit_button("登记回款", type="primary"):
                create(paying, lambda s: record_payment(s, user, chosen, parse_money(amount)), "回款已登记")


def import_section(user) -> None:
    st.caption("第 1 行为列名：档案号（或客户名称）、开票日期（或发货日期）、金额；可选：到期日、已回款、单据号、备注。"
               "有任何一行出错时整份文件都不导入。")
    upload = file_uploader("上传应收账款表（.xlsx / .xls / .csv）", kinds=("xlsx", "xls", "csv"),
                           key="receivable_upload")
    if upload is None or not st.button("导入应收账款", type="primary", key="receivable_import"):
        return
    try:
        rows = read_workbook(upload.getvalue(), upload.name, max_rows=50_000).rows()
        with session_scope() as session:
            count = import_receivables(session, user, rows)
    except ImportRefused as exc:
        st.error(plain(exc))
        st.dataframe(pd.DataFrame({"问题": exc.problems}), hide_index=True, width="stretch")
    except (WorkbookError, ReceivableError, UserFacingError) as exc:
        st.error(plain(exc))
    else:
        st.success(f"已导入 {count} 笔应收账款")
