"""The board's widgets: the class columns with their cards, dragging a card, and the move form."""
from __future__ import annotations

import html

import streamlit as st
from streamlit_sortables import sort_items

from components.feedback import flash, refused
from db.board_queries import BoardCard, BoardColumn
from db.classification import move_class, move_many
from db.engine import session_scope
from domain.errors import ConflictError, UserFacingError
from domain.formatting import plain

_NONCE = "board_drag_nonce"    # a new value re-mounts the drag board from the database
_NOTICE = "board_drag_notice"  # why the board was put back, shown after the rerun
_STYLE = """
.sortable-component.vertical { flex-wrap: nowrap; }
.sortable-component.vertical .sortable-container { flex: 1 1 0; min-width: 110px; padding: 4px; }
.sortable-container-header { font-weight: 600; padding: 2px 4px; }
.sortable-item, .sortable-item:hover { background-color: #ffffff; color: #262730; border: 1px solid #d0d4dc;
  border-radius: 6px; padding: 3px 6px; margin: 3px 0; font-size: 12px; line-height: 1.35; white-space: pre-line;
  text-align: left; }
"""


def board_columns(columns: list[BoardColumn]) -> None:
    """One column per class: its name and count, then its first cards."""
    for column, slot in zip(columns, st.columns(len(columns))):
        colour = html.escape(column.color or "#888888")
        slot.markdown(f"<div style='border-top:4px solid {colour};padding-top:4px'><b>{html.escape(column.name)}</b>"
                      f" · {column.count}</div>", unsafe_allow_html=True)
        for card in column.cards:
            contact = plain(card.contact_text())
            slot.container(border=True).markdown(
                f"**{plain(card.name)}**  \n:gray[{plain(card.archive_no)} · {plain(card.owner)}]  \n"
                + (f":red[{contact}]" if card.overdue_days else f":gray[{contact}]"))
        if column.count > len(column.cards):
            slot.caption(f"还有 {column.count - len(column.cards)} 份未显示")


def card_label(card: BoardCard) -> str:
    """The text of a draggable card, three short lines; unique because the 档案号 is."""
    warning = "⚠ " if card.overdue_days else ""
    return f"{warning}{card.name}\n{card.archive_no} · {card.owner}\n{card.contact_text()}"


def find_drop(before: list[list[str]], after: list[list[str]]) -> tuple[str, int] | None:
    """The card that the user dropped into another column: (its label, the new column's index), or None."""
    column_of = {label: i for i, labels in enumerate(before) for label in labels}
    for index, labels in enumerate(after):
        for label in labels:
            if column_of.get(label, index) != index:
                return label, index
    return None


def drag_board(user, scheme_id: int, columns: list[BoardColumn]) -> None:
    """The board as draggable cards; a card dropped on another column asks for the reason, then moves."""
    if notice := st.session_state.pop(_NOTICE, None):
        st.warning(plain(notice))
    cards = {card_label(card): (card, column) for column in columns for card in column.cards}
    before = [[card_label(card) for card in column.cards] for column in columns]
    items = [{"header": _header(column), "items": labels} for column, labels in zip(columns, before)]
    key = f"board_drag_{scheme_id}_{st.session_state.get(_NONCE, 0)}"
    after = sort_items(items, multi_containers=True, direction="vertical", custom_style=_STYLE, key=key)
    drop = find_drop(before, [container["items"] for container in after])
    if drop is None:
        return
    card, source = cards[drop[0]]
    target = columns[drop[1]]
    if target.value_id is None:
        _put_back("不能把客户拖到「未分类」；看板已还原")
    else:
        _confirm_move(user, scheme_id, card, source, target)


def _header(column: BoardColumn) -> str:
    shown = len(column.cards)
    return f"{column.name} · {column.count}" + (f"（显示 {shown}）" if column.count > shown else "")


def _reset() -> None:
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1


def _put_back(notice: str) -> None:
    st.session_state[_NOTICE] = notice
    _reset()
    st.rerun()


@st.dialog("移动客户", on_dismiss=_reset)
def _confirm_move(user, scheme_id: int, card: BoardCard, source: BoardColumn, target: BoardColumn) -> None:
    st.markdown(f"把 **{plain(card.name)}**（{plain(card.archive_no)}）"
                f"从「{plain(source.name)}」移到「{plain(target.name)}」")
    reason = st.text_input("原因（降级或移入流失、淘汰等分类时必填）", key="drag_reason")
    ok, cancel = st.columns(2)
    if ok.button("确认移动", type="primary", key="drag_confirm"):
        try:
            with session_scope() as session:
                move_class(session, user, card.id, scheme_id, target.value_id, reason=reason,
                           expected_value_id=source.value_id)
        except ConflictError as exc:
            _put_back(str(exc))
        except UserFacingError as exc:
            refused(exc)
        else:
            flash(f"已把「{card.name}」移到「{target.name}」")
            _reset()
            st.rerun()
    if cancel.button("取消", key="drag_cancel"):
        _put_back("已取消移动，看板已还原")


def move_form(user, scheme_id: int, columns: list[BoardColumn]) -> None:
    """移动到…: pick customers from the board, the class to move them to, and why."""
    seen = {card.id: column.value_id for column in columns for card in column.cards}
    labels = {card.id: f"{card.name}（{card.archive_no}，{column.name}）"
              for column in columns for card in column.cards}
    targets = {c.value_id: c.name for c in columns if c.value_id is not None}
    with st.expander("移动客户：选择看板上的客户，移到另一分类（可多选）",
                     key="board_move_open"), st.form("board_move"):
        chosen = st.multiselect("客户（可多选）", list(labels), format_func=labels.get, placeholder="选择看板上的客户")
        target = st.selectbox("移动到", list(targets), format_func=targets.get)
        reason = st.text_input("原因（降级或移入流失/淘汰时必填）")
        if st.form_submit_button("移动", type="primary"):
            try:
                with session_scope() as session:
                    moved = move_many(session, user, scheme_id, target, {cid: seen[cid] for cid in chosen},
                                      reason=reason)
            except UserFacingError as exc:
                st.error(plain(f"{exc}（没有任何客户被移动）"))
            else:
                flash(f"已把 {moved} 位客户移到「{targets[target]}」")
                st.rerun()
