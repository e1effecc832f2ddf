"""今日待办: the most urgent few of each section first, one compact row per item with its next action, and
更多 for the rest — so a day's work fits on about two screens, and on a phone without wide tables."""
from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from components.feedback import run_write
from components.followup_form import follow_up_form
from db.access import waiting_count
from db.engine import session_scope
from db.followup_queries import Agenda
from db.followups import review_follow_up
from domain.cadence import contact_note
from domain.complaints import STATE_LABELS, age_days
from domain.followups import plan_state
from domain.formatting import local_today, plain
from domain.masking import mask_phone

FIRST = 3   # rows of a section shown at first, most urgent first
MORE = 10   # rows each 更多 adds
SHOWN_KEY = "agenda_shown:{}"


def _archive_link(customer_id: int, label: str) -> None:
    st.page_link("pages/archive.py", label=plain(label), query_params={"id": customer_id},
                 icon=":material/description:")


def _row(text: str, customer_id: int, name: str, action: Callable[[], None] | None = None) -> None:
    """One item: what it is (Markdown, user text already through plain), the customer's archive, the action."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(text, width="stretch")
        _archive_link(customer_id, name)
        if action:
            action()


@st.dialog("记录跟进", width="large")
def _follow_up_dialog(user, customer_id: int, name: str, plan_id: int | None) -> None:
    st.markdown(f"客户：**{plain(name)}**")
    if follow_up_form(user, customer_id, key=f"agenda_fu:{customer_id}:{plan_id}", plan_id=plan_id, title=""):
        st.rerun()


@st.dialog("审阅拜访记录", width="large")
def _review_dialog(user, record_id: int, heading: str, summary: str) -> None:
    st.markdown(heading)
    st.markdown(plain(summary))
    comment = st.text_input("审阅意见", key=f"agenda_review:{record_id}", placeholder="写给跟进人的指导意见")
    if st.button("保存审阅意见", key=f"agenda_review_save:{record_id}", type="primary"):
        run_write(lambda s: review_follow_up(s, user, record_id, comment), "审阅意见已保存，跟进人可以看到")


def _section(key: str, title: str, rows: Sequence, total: int, draw: Callable, note: str = "") -> None:
    """The section's title with its count, its first rows in one box, then 更多 while there are more."""
    st.subheader(title)
    if note:
        st.caption(note)
    shown = st.session_state.get(SHOWN_KEY.format(key), FIRST)
    with st.container(border=True):
        for row in rows[:shown]:
            draw(row)
        if shown < len(rows):
            if st.button(f"更多（还有 {total - shown} 条）", key=f"agenda_more:{key}", type="tertiary",
                         icon=":material/expand_more:"):
                st.session_state[SHOWN_KEY.format(key)] = shown + MORE
                st.rerun()
        elif total > len(rows):
            st.caption(f"另有 {total - len(rows)} 条未显示，请在相应页面查看。")


def _plan(user, today):
    def draw(row) -> None:
        plan, customer = row
        state = plan_state(plan.status, plan.day, today)
        colour = "red" if state == "已逾期" else "blue"
        purpose = f" · {plain(plan.purpose)}" if plan.purpose else ""

        def complete() -> None:
            if st.button("完成：记录跟进", key=f"agenda_plan:{plan.id}"):
                _follow_up_dialog(user, customer.id, customer.name, plan.id)
        _row(f":{colour}[**{state}**] {plan.day} · {plain(plan.method)}{purpose}", customer.id, customer.name, complete)
    return draw


def _due(user, today):
    def draw(row) -> None:
        customer, status = row
        note = contact_note(status, today)
        colour = "red" if note.late else "orange"

        def log() -> None:
            if st.button("记录跟进", key=f"agenda_due:{customer.id}"):
                _follow_up_dialog(user, customer.id, customer.name, None)
        _row(f":{colour}[**{plain(note.headline)}**]{plain(note.detail)}", customer.id, customer.name, log)
    return draw


def _escalated(today):
    def draw(row) -> None:
        customer, status, owner = row
        note = contact_note(status, today)
        _row(f":red[**{plain(note.headline)}**]{plain(note.detail)} · 负责人 **{plain(owner.name)}**",
             customer.id, customer.name)
    return draw


def _to_review(user):
    def draw(row) -> None:
        record, customer, follower = row
        heading = f"**{record.day} · {plain(record.method)}** · {plain(follower.name)} · {plain(customer.name)}"
        summary = record.summary or ""
        short = summary if len(summary) <= 40 else summary[:40] + "…"

        def review() -> None:
            if st.button("审阅", key=f"agenda_review_open:{record.id}"):
                _review_dialog(user, record.id, heading, summary)
        _row(f"**{record.day} · {plain(record.method)}** · {plain(follower.name)}：{plain(short)}",
             customer.id, customer.name, review)
    return draw


def _payment(row) -> None:
    receivable, customer = row
    doc = f" · {plain(receivable.doc_no)}" if receivable.doc_no else ""
    _row(f":orange[**{receivable.due_date} 到期**] · 未收 **{receivable.outstanding:,.2f} 元**{doc}",
         customer.id, customer.name)


def _complaint(today):
    def draw(row) -> None:
        complaint, customer = row
        content = complaint.content or ""
        short = content if len(content) <= 40 else content[:40] + "…"
        _row(f":red[**{STATE_LABELS[complaint.state]}**] · 已 {age_days(complaint.day, today)} 天 · "
             f"{plain(complaint.category)}（{plain(complaint.severity)}）：{plain(short)}",
             customer.id, f"{customer.name}：打开「投诉与折价」处理")
    return draw


def _contract(row) -> None:
    contract, customer = row
    _row(f":orange[**{contract.ends_on} 到期**] · {plain(contract.kind)} {plain(contract.number)}",
         customer.id, customer.name)


def _returning(today):
    def draw(row) -> None:
        item, name = row
        left = (item.returns_on - today).days
        when = "今天" if left <= 0 else f"{left} 天后（{item.returns_on}）"
        _row(f":orange[**{when}退回公海**] · 自 {item.since} 起未跟进", item.customer_id, name)
    return draw


def _birthday(masked: bool):
    def draw(row) -> None:
        contact, customer = row
        role = f"（{contact.role}）" if contact.role else ""
        mobile = mask_phone(contact.mobile) if masked else contact.mobile
        phone = f" · {mobile}" if mobile else ""
        _row(f":material/cake: **{contact.birthday.month} 月 {contact.birthday.day} 日** · "
             f"{plain(f'{contact.name}{role}{phone}')}",
             customer.id, customer.name)
    return draw


def _loans(count: int) -> None:
    st.page_link("pages/access.py", label=f"打开借阅申请，审批这 {count} 条", icon=":material/key:")


def _loans_waiting(user) -> int:
    """借阅 requests waiting for ``user``'s decision (db/access.waiting_count)."""
    with session_scope(read_only=True) as session:
        return waiting_count(session, user)


def agenda_view(user, today: Agenda) -> None:
    """Every section with something in it, the most urgent first; a calm message when there is nothing to do."""
    day = local_today()
    loans = _loans_waiting(user)
    loan_row = [loans] if loans else []  # one row: the link to 借阅申请, only when some wait
    sections = [  # (key, title, rows, total, draw, note)
        ("plans", f"回访计划：今天及逾期（{today.plans.total}）", today.plans.rows, today.plans.total,
         _plan(user, day), ""),
        ("loans", f"待我审批的借阅申请（{loans}）", loan_row, len(loan_row), _loans,
         "同事在等您的决定才能查看档案"),
        ("due", f"按跟进频率应跟进的客户（{today.due.total}）", today.due.rows, today.due.total, _due(user, day), ""),
        ("escalated", f"逾期升级（{today.escalated.total}）", today.escalated.rows, today.escalated.total,
         _escalated(day), f"下属负责、逾期 {today.escalate_after} 天及以上的客户（天数可在系统设置中调整）"),
        ("complaints", f"待处理的投诉（{len(today.complaints)}）", today.complaints, len(today.complaints),
         _complaint(day), ""),
        ("payments", f"回款提醒：3 天内到期（{today.payments.total}）", today.payments.rows, today.payments.total,
         _payment, ""),
        ("returning", f"即将退回公海（{today.returning.total}）", today.returning.rows, today.returning.total,
         _returning(day), "到期仍未跟进将退回公海由同事认领；记录一次跟进即可保留"),
        ("to_review", f"待我审阅的拜访记录（{today.to_review.total}）", today.to_review.rows, today.to_review.total,
         _to_review(user), ""),
        ("contracts", f"合同即将到期（{len(today.contracts)}）", today.contracts, len(today.contracts), _contract, ""),
        ("birthdays", f"本周生日关怀（{len(today.birthdays)}）", today.birthdays, len(today.birthdays),
         _birthday(user.masked), ""),
    ]
    if not any(total for _, _, _, total, _, _ in sections):
        st.success("今天没有待办事项。")
        return
    for key, title, rows, total, draw, note in sections:
        if total:
            _section(key, title, rows, total, draw, note)
