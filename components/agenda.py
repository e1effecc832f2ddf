"""今日待办: one card per item, readable on a phone (no wide tables), each with its next action."""
from __future__ import annotations

import streamlit as st

from components.feedback import run_write
from components.followup_form import follow_up_form
from db.followup_queries import Agenda, Rows
from db.followups import review_follow_up
from domain.cadence import overdue_days
from domain.followups import plan_state
from domain.formatting import local_today, plain
from domain.complaints import STATE_LABELS, age_days
from domain.masking import mask_phone


def _archive_link(customer, label: str | None = None) -> None:
    st.page_link("pages/archive.py", label=plain(label or f"{customer.name}（{customer.archive_no}）"),
                 query_params={"id": customer.id}, icon=":material/description:")


@st.dialog("记录跟进", width="large")
def _follow_up_dialog(user, customer_id: int, name: str, plan_id: int | None) -> None:
    st.markdown(f"客户：**{plain(name)}**")
    if follow_up_form(user, customer_id, key=f"agenda_fu:{customer_id}:{plan_id}", plan_id=plan_id, title=""):
        st.rerun()


def _more(rows: Rows) -> None:
    if rows.total > len(rows.rows):
        st.caption(f"另有 {rows.total - len(rows.rows)} 条未显示。")


def plans_due(user, rows: Rows) -> None:
    today = local_today()
    for plan, customer in rows.rows:
        with st.container(border=True):
            state = plan_state(plan.status, plan.day, today)
            colour = "red" if state == "已逾期" else "blue"
            purpose = f" · {plain(plan.purpose)}" if plan.purpose else ""
            st.markdown(f":{colour}[**{state}**] {plan.day} · {plan.method}{purpose}")
            _archive_link(customer)
            if st.button("完成：记录跟进", key=f"agenda_plan:{plan.id}", width="stretch"):
                _follow_up_dialog(user, customer.id, customer.name, plan.id)
    _more(rows)


def customers_due(user, rows: Rows) -> None:
    today = local_today()
    for customer, status in rows.rows:
        with st.container(border=True):
            late = overdue_days(status.next_due, today)
            when = f":red[**逾期 {late} 天**]" if late else ":orange[**今天到期**]"
            last = f"上次联系 {status.last_any}" if status.last_any else "从未跟进"
            st.markdown(f"{when} · {last} · {plain(status.due_reason)}")
            _archive_link(customer)
            if st.button("记录跟进", key=f"agenda_due:{customer.id}", width="stretch"):
                _follow_up_dialog(user, customer.id, customer.name, None)
    _more(rows)


def records_to_review(user, rows: Rows) -> None:
    for record, customer, follower in rows.rows:
        with st.container(border=True):
            st.markdown(f"**{record.day} · {record.method}** · {plain(follower.name)}")
            st.markdown(plain(record.summary))
            _archive_link(customer)
            comment = st.text_input("审阅意见", key=f"agenda_review:{record.id}", placeholder="写给跟进人的指导意见")
            if st.button("保存审阅意见", key=f"agenda_review_save:{record.id}"):
                run_write(lambda s, record_id=record.id: review_follow_up(s, user, record_id, comment),
                          "审阅意见已保存，跟进人可以看到")
    _more(rows)


def escalations(rows: Rows, days: int) -> None:
    today = local_today()
    st.caption(f"下属负责、逾期 {days} 天及以上仍未跟进的客户（天数可在系统设置中调整）。")
    for customer, status, owner in rows.rows:
        with st.container(border=True):
            st.markdown(f":red[**逾期 {overdue_days(status.next_due, today)} 天**] · 负责人 **{plain(owner.name)}** · "
                        f"{plain(status.due_reason)}")
            _archive_link(customer)
    _more(rows)


def payments(rows: Rows) -> None:
    for receivable, customer in rows.rows:
        with st.container(border=True):
            st.markdown(f":orange[**{receivable.due_date} 到期**] · 未收 **{receivable.outstanding:,.2f} 元**"
                        + (f" · {plain(receivable.doc_no)}" if receivable.doc_no else ""))
            _archive_link(customer)
    _more(rows)


def complaints(items) -> None:
    today = local_today()
    for complaint, customer in items:
        with st.container(border=True):
            st.markdown(f":red[**{STATE_LABELS[complaint.state]}**] · 已 {age_days(complaint.day, today)} 天 · "
                        f"{plain(complaint.category)}（{plain(complaint.severity)}）")
            st.markdown(plain(complaint.content[:120]))
            _archive_link(customer, f"{customer.name}：打开「投诉与折价」处理")


def contracts(items) -> None:
    for contract, customer in items:
        with st.container(border=True):
            st.markdown(f":orange[**{contract.ends_on} 到期**] · {plain(contract.kind)} {plain(contract.number)}")
            _archive_link(customer)


def returning(rows: Rows) -> None:
    st.caption("这些客户很久没有跟进了：到期仍未跟进，将自动退回公海，由其他同事认领。记录一次跟进即可保留。")
    today = local_today()
    for item, name in rows.rows:
        left = (item.returns_on - today).days
        when = "今天" if left <= 0 else f"{left} 天后（{item.returns_on}）"
        with st.container(border=True):
            st.markdown(f":orange[**{when}退回公海**] · {plain(name)} · 自 {item.since} 起未跟进")
            st.page_link("pages/archive.py", label="打开档案记录跟进", query_params={"id": item.customer_id},
                         icon=":material/description:")
    _more(rows)


def birthdays(items, masked: bool) -> None:
    for contact, customer in items:
        with st.container(border=True):
            role = f"（{contact.role}）" if contact.role else ""
            mobile = mask_phone(contact.mobile) if masked else contact.mobile
            phone = f" · {mobile}" if mobile else ""
            who = plain(f"{contact.name}{role}{phone}")
            st.markdown(f"🎂 **{contact.birthday.month} 月 {contact.birthday.day} 日** · {who}")
            _archive_link(customer)


def agenda_view(user, today: Agenda) -> None:
    """All sections with something in them; a calm message when there is nothing to do."""
    sections = [
        (today.plans.total, f"回访计划：今天及逾期（{today.plans.total}）", lambda: plans_due(user, today.plans)),
        (today.due.total, f"按跟进频率应跟进的客户（{today.due.total}）", lambda: customers_due(user, today.due)),
        (today.to_review.total, f"待我审阅的拜访记录（{today.to_review.total}）",
         lambda: records_to_review(user, today.to_review)),
        (today.escalated.total, f"逾期升级（{today.escalated.total}）",
         lambda: escalations(today.escalated, today.escalate_after)),
        (today.payments.total, f"回款提醒：3 天内到期（{today.payments.total}）", lambda: payments(today.payments)),
        (len(today.complaints), f"待处理的投诉（{len(today.complaints)}）", lambda: complaints(today.complaints)),
        (len(today.contracts), f"合同即将到期（{len(today.contracts)}）", lambda: contracts(today.contracts)),
        (today.returning.total, f"即将退回公海（{today.returning.total}）", lambda: returning(today.returning)),
        (len(today.birthdays), f"本周生日关怀（{len(today.birthdays)}）", lambda: birthdays(today.birthdays, user.masked)),
    ]
    if not any(count for count, _, _ in sections):
        st.success("今天没有待办事项。")
        return
    for count, title, draw in sections:
        if count:
            st.subheader(title)
            draw()
