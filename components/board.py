"""The board's widgets: the class columns with their cards, and the move form."""
from __future__ import annotations

import html

import streamlit as st

from components.feedback import flash
from db.board_queries import PER_COLUMN, BoardColumn
from db.classification import move_many
from db.engine import session_scope
from domain.errors import UserFacingError


def board_columns(columns: list[BoardColumn]) -> None:
    """One column per class: its name and count, then its first cards."""
    for column, slot in zip(columns, st.columns(len(columns))):
        colour = html.escape(column.color or "#888888")
        slot.markdown(f"<div style='border-top:4px solid {colour};padding-top:4px'><b>{html.escape(column.name)}</b>"
                      f" · {column.count}</div>", unsafe_allow_html=True)
        for card in column.cards:
            box = slot.container(border=True)
            box.markdown(f"**{html.escape(card.name)}**  \n{card.archive_no}  \n{html.escape(card.owner)} · "
                         f"{html.escape(card.region)}", unsafe_allow_html=True)
        if column.count > len(column.cards):
            slot.caption(f"还有 {column.count - len(column.cards)} 份未显示（每列显示前 {PER_COLUMN} 份），请用筛选缩小范围")


def move_form(user, scheme_id: int, columns: list[BoardColumn]) -> None:
    """移动到…: pick customers from the board, the class to move them to, and why."""
    seen = {card.id: column.value_id for column in columns for card in column.cards}
    labels = {card.id: f"{card.name}（{card.archive_no}，{column.name}）" for column in columns for card in column.cards}
    targets = {c.value_id: c.name for c in columns if c.value_id is not None}
    with st.expander("移动客户：选择看板上的客户，移到另一分类（可多选）"), st.form("board_move"):
        chosen = st.multiselect("客户（可多选）", list(labels), format_func=labels.get, placeholder="选择看板上的客户")
        target = st.selectbox("移动到", list(targets), format_func=targets.get)
        reason = st.text_input("原因（降级或移入流失/淘汰时必填）")
        if st.form_submit_button("移动", type="primary"):
            try:
                with session_scope() as session:
                    moved = move_many(session, user, scheme_id, target, {cid: seen[cid] for cid in chosen},
                                      reason=reason)
            except UserFacingError as exc:
                st.error(f"{exc}（没有任何客户被移动）")
            else:
                flash(f"已把 {moved} 位客户移到「{targets[target]}」")
                st.rerun()
