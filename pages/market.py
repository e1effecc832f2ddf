"""市场与竞品: dated notes on competitors (prices, promotions, policies), searchable; a note about a
customer also shows on its card."""
import datetime as dt

import pandas as pd
import streamlit as st

from components.auth import require_user
from components.feedback import show_flash
from components.forms import beside, create, create_form, money_box
from db.access import find_customer
from db.engine import session_scope
from db.market import SHOWN, add_note, search_notes
from domain.fields import PROVINCES
from domain.formatting import local_today
from domain.market import TOPICS, MarketNoteInput
from domain.normalize import parse_money

user = require_user(__file__)
show_flash()
today = local_today()
st.title("市场与竞品")
st.caption("市场走访中看到的竞品价格、促销、政策和新品，按日期记下来；关联客户的记录也显示在该客户的资料卡上。")

with st.expander("记一条市场动态", key="market_note_open"), create_form("market_note"):
    a, b, c = st.columns(3)
    with a:
        day = st.date_input("日期 *", value=today, max_value=today, format="YYYY-MM-DD")
        beside("market_note", "day")
    with b:
        competitor = st.text_input("竞品品牌/厂家 *", max_chars=80)
        beside("market_note", "competitor")
    with c:
        topic = st.selectbox("类别 *", TOPICS)
        beside("market_note", "topic")
    product = a.text_input("产品", max_chars=80)
    with b:
        price = money_box("价格（元）")
        beside("market_note", "price")
    number = c.text_input("关联客户（档案号或全称，可不填）")
    with a:
        province = st.selectbox("省份（不关联客户时必填）", ["", *PROVINCES], format_func=lambda v: v or "请选择")
        beside("market_note", "province")
    city = b.text_input("城市", max_chars=40)
    content = st.text_area("情况 *", placeholder="例如：某品牌 500ml 终端价降到 39 元，买二送一，至月底")
    beside("market_note", "content")
    if st.form_submit_button("保存", type="primary"):
        def save(s):
            customer_id = find_customer(s, number).id if number.strip() else None
            add_note(s, user, MarketNoteInput(day, competitor, topic, content, product,
                                              parse_money(price, "price"),
                                              province or None, city, customer_id))
        create("market_note", save, "已记录")

c1, c2, c3 = st.columns([3, 1, 2])
text = c1.text_input("搜索（品牌、产品、内容、城市）", key="market_text")
where = c2.selectbox("省份", ["", *PROVINCES], format_func=lambda v: v or "全部", key="market_province")
picked = c3.date_input("日期范围", value=(today - dt.timedelta(days=90), today), max_value=today,
                       format="YYYY-MM-DD", key="market_range")
start, end = picked if isinstance(picked, tuple) and len(picked) == 2 else (None, None)
with session_scope() as session:
    notes = search_notes(session, user, text=text, province=where or None, start=start, end=end)
if not notes:
    st.info("没有符合条件的记录。")
    st.stop()
st.dataframe(pd.DataFrame([{
    "日期": n.day, "地区": f"{n.province or ''}{n.city or ''}", "客户": n.customer.name if n.customer else "",
    "竞品": n.competitor, "产品": n.product or "", "价格（元）": f"{n.price:,.2f}" if n.price is not None else "",
    "类别": n.topic, "情况": n.content, "记录人": n.author.name if n.author else ""} for n in notes]),
    hide_index=True, width="stretch")
if len(notes) >= SHOWN:
    st.caption(f"只显示最近的 {SHOWN} 条，请缩小范围。")
