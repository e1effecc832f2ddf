"""分类看板: one column per class of a scheme; move customers with a reason (drag, or one or many at once);
the rules' suggestions; the movement chart."""
import streamlit as st

from components.auth import require_user
from components.board import board_columns, drag_board, move_form
from components.board_insights import movement_view, suggestions_view
from components.feedback import show_flash
from components.shared_reads import shared
from db.archive_queries import CustomerFilter, active_schemes, owners
from db.board_queries import PER_COLUMN, load_board
from db.engine import session_scope
from domain import fields as F
from domain import permissions

MAX_PER_COLUMN = 500  # beyond this, filters find a customer faster than scrolling

user = require_user(__file__)
st.title("分类看板")
show_flash()

with session_scope() as session:
    schemes = {s.id: s.name for s in active_schemes(session)}
    people = {u.id: u.name for u in owners(session)}
if not schemes:
    st.info("还没有启用的分类方案。")
    st.stop()

c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 2, 3])
scheme_id = c1.selectbox("分类方案", list(schemes), format_func=schemes.get, key="board_scheme")
owner_id = c2.selectbox("负责人", [None, *people], format_func=lambda v: "全部" if v is None else people[v],
                        key="board_owner", placeholder="全部")
province = c3.selectbox("区域", [None, *F.PROVINCES], format_func=lambda v: "全部区域" if v is None else v,
                        key="board_province", placeholder="全部区域")
ctype = c4.selectbox("客户类型", [None, *F.CUSTOMER_TYPES], format_func=lambda v: "全部类型" if v is None else v,
                     key="board_type", placeholder="全部类型")
search = c5.text_input("搜索", placeholder="客户名称、档案号或电话", key="board_search")
flt = CustomerFilter(search=search, province=province, customer_type=ctype, owner_id=owner_id)

BOARD, SUGGESTIONS, MOVEMENTS = "看板", "规则建议", "分类变动"
views = [BOARD, SUGGESTIONS, MOVEMENTS] if permissions.may_move_classes(user) else [BOARD, MOVEMENTS]
view = st.segmented_control("视图", views, default=BOARD, required=True, key="board_view",
                            label_visibility="collapsed")
if view == SUGGESTIONS:
    suggestions_view(user, scheme_id, flt)
    st.stop()
if view == MOVEMENTS:
    movement_view(user, scheme_id, flt)
    st.stop()

limit = st.session_state.get("board_limit", PER_COLUMN)
columns = shared(load_board, user, scheme_id, flt, limit)
st.caption(f"每列先显示最该跟进的 {limit} 位（逾期最久的在前，⚠ 为已逾期）；列名旁是该分类的客户总数。"
           + ("把卡片拖到另一列即可移动（会询问原因）；也可以在下面一次移动多位客户。"
              if permissions.may_move_classes(user) else ""))
if permissions.may_move_classes(user):
    move_form(user, scheme_id, columns)
    drag_board(user, scheme_id, columns)
else:
    board_columns(columns)
more, fewer = st.columns(2)
if any(column.count > len(column.cards) for column in columns) and limit < MAX_PER_COLUMN:
    if more.button(f"更多（每列再显示 {PER_COLUMN} 位）", key="board_more", width="stretch"):
        st.session_state["board_limit"] = limit + PER_COLUMN
        st.rerun()
if limit > PER_COLUMN and fewer.button(f"收起（每列只显示 {PER_COLUMN} 位）", key="board_fewer", width="stretch"):
    st.session_state["board_limit"] = PER_COLUMN
    st.rerun()
