"""查阅记录: who opened which customer's archive, and who exported what — searchable by managers."""
import datetime as dt

import pandas as pd
import streamlit as st

from components.auth import require_user
from db.engine import session_scope
from db.read_log import SHOWN, search
from db.users import list_users
from domain.formatting import local_time, local_today

user = require_user(__file__)
st.title("查阅记录")
st.caption("打开档案（含电话、银行、税号等敏感信息）和导出资料都会留下记录；同一人 30 分钟内重复打开同一档案只记一次。")
today = local_today()
with session_scope() as session:
    people = {u.id: f"{u.name}（{u.username}）" for u in list_users(session)}
c1, c2, c3 = st.columns([2, 2, 3])
picked = c1.date_input("日期范围", value=(today - dt.timedelta(days=6), today), max_value=today, format="YYYY-MM-DD",
                       key="readlog_range")
who = c2.selectbox("人员", [0, *people], format_func=lambda v: people.get(v, "全部"), key="readlog_who")
text = c3.text_input("客户名称或档案号", key="readlog_customer")
start, end = picked if isinstance(picked, tuple) and len(picked) == 2 else (today, today)
with session_scope() as session:
    rows = search(session, user, start=start, end=end, user_id=who or None, customer_text=text)
if not rows:
    st.info("这段时间没有记录。")
else:
    st.dataframe(pd.DataFrame([{"时间": local_time(r.at), "人员": r.who, "操作": r.what, "客户/内容": r.customer,
                                "档案": f"/archive?id={r.customer_id}" if r.customer_id else ""} for r in rows]),
                 hide_index=True, width="stretch",
                 column_config={"档案": st.column_config.LinkColumn("档案", display_text="打开")})
    if len(rows) >= SHOWN:
        st.caption(f"只显示最近的 {SHOWN} 条，请缩小日期范围或筛选人员。")
