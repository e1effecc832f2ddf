"""An archive's 投诉与折价 tab: complaints through their states (the return visit included) and
discount requests with the manager's decision."""
from __future__ import annotations

import streamlit as st

from components.feedback import decision, run_write
from components.forms import beside, create, create_form, money_box
from db.complaints import (
    ReturnVisit,
    close,
    decide_discount,
    log_complaint,
    rebook_return_visit,
    request_discount,
    resolve,
    start_handling,
)
from db.models_papers import Complaint, Discount
from domain import complaints as C
from domain import permissions
from domain.formatting import local_time, local_today, plain
from domain.normalize import parse_money


def complaints_tab(user, customer, complaints: list[Complaint], discounts: list[Discount], people: dict[int, str],
                   visits: dict[int, ReturnVisit], can_log: bool) -> None:
    open_count = sum(c.state in C.UNFINISHED for c in complaints)
    st.caption(f"投诉 {len(complaints)} 条，未结案 {open_count} 条。"
               "每条投诉解决后都要现场回访，回访记录完成后才能结案。")
    if can_log:
        _log_form(user, customer, people)
    for complaint in complaints:
        _complaint_box(user, complaint, people, visits.get(complaint.id))
    st.subheader("折价 / 让利")
    _discounts(user, customer, discounts, complaints, can_log)


def _log_form(user, customer, people: dict[int, str]) -> None:
    base = f"complaint:{customer.id}"
    with st.expander("登记投诉", key=f"complaint_open:{customer.id}"), create_form(base):
        a, b, c = st.columns(3)
        with a:
            day = st.date_input("投诉日期 *", value=local_today(), max_value=local_today(), format="YYYY-MM-DD")
            beside(base, "day")
        with b:
            channel = st.selectbox("渠道 *", C.CHANNELS)
            beside(base, "channel")
        with c:
            category = st.selectbox("类别 *", C.CATEGORIES)
            beside(base, "category")
        with a:
            severity = st.selectbox("严重程度 *", C.SEVERITIES)
            beside(base, "severity")
        default = customer.owner_id if customer.owner_id in people else user.id
        handler = b.selectbox("处理人 *", list(people), index=list(people).index(default) if default in people else 0,
                              format_func=people.get)
        content = st.text_area("投诉内容 *", placeholder="客户反映的问题、涉及的产品/批次、客户的要求")
        beside(base, "content")
        if st.form_submit_button("保存投诉", type="primary"):
            data = C.ComplaintInput(day, channel, category, severity, content, handler)
            create(base, lambda s: log_complaint(s, user, customer.id, data),
                   "投诉已登记，处理人会在今日待办中看到")


def _complaint_box(user, complaint: Complaint, people: dict[int, str], visit: ReturnVisit | None) -> None:
    colour = {C.OPEN: "red", C.HANDLING: "orange", C.RESOLVED: "blue", C.CLOSED: "green"}[complaint.state]
    with st.container(border=True):
        facts = plain(f"{complaint.category} · {complaint.severity} · {complaint.channel} · "
                      f"处理人 {people.get(complaint.handler_id, '（无）')}")
        st.markdown(f":{colour}[**{C.STATE_LABELS[complaint.state]}**] · {complaint.day} · {facts}")
        st.markdown(plain(complaint.content))
        if complaint.resolution:
            st.caption(plain(f"处理结果：{complaint.resolution} · 责任鉴定：{complaint.responsibility} · "
                             f"解决于 {local_time(complaint.resolved_at)}"))
        if complaint.state == C.CLOSED:
            st.caption(f"已回访结案 · 客户满意度：{plain(complaint.satisfaction)} · {local_time(complaint.closed_at)}")
        if complaint.state == C.CLOSED or not permissions.can_handle_complaint(user, complaint.handler_id):
            return
        key = f"complaint:{complaint.id}"
        if complaint.state == C.OPEN:
            if st.button("开始处理", key=f"{key}:start"):
                run_write(lambda s: start_handling(s, user, complaint.id), "投诉已转为处理中")
        elif complaint.state == C.HANDLING:
            resolution = st.text_area("处理结果 *", key=f"{key}:resolution")
            left, right = st.columns(2)
            responsibility = left.selectbox("责任鉴定 *", C.RESPONSIBILITIES, index=None, placeholder="请选择",
                                             key=f"{key}:responsibility")  # no default: a choice made for the user
            visit_on = right.date_input("现场回访日期", value=None, min_value=local_today(), format="YYYY-MM-DD",
                                        key=f"{key}:visit", help=f"不填则为 {C.RETURN_VISIT_WITHIN_DAYS} 天后")
            if st.button("已解决，安排现场回访", key=f"{key}:resolve", type="primary"):
                run_write(lambda s: resolve(s, user, complaint.id, resolution, responsibility, visit_on),
                          "已解决：现场回访计划已安排，回访后即可结案")
        elif visit is None or not visit.done:
            _waiting_for_visit(user, complaint, visit, key)
        else:
            satisfaction = st.selectbox("客户满意度 *", C.SATISFACTION, index=None,
                                        placeholder="请选择（按回访时客户所说）", key=f"{key}:satisfaction")
            if st.button("回访完成，结案", key=f"{key}:close", type="primary"):
                run_write(lambda s: close(s, user, complaint.id, satisfaction), "投诉已结案")


def _waiting_for_visit(user, complaint: Complaint, visit: ReturnVisit | None, key: str) -> None:
    """已解决, not yet visited: where to record the visit, or — its plan completed by a call or
    cancelled — 「重新安排回访」 (db/complaints.rebook_return_visit)."""
    if visit is not None and visit.waiting:
        st.info(f"等待现场回访（计划 {visit.day}，可以提前）：在「跟进」中记录一次直接登门或邀约登门，"
                "「这次跟进完成的回访计划」选这条【投诉回访】，之后即可结案。")
        return
    st.warning("这条投诉的回访计划已被电话跟进完成或已取消，没有登门回访，不能结案：请重新安排一次现场回访。")
    left, right = st.columns(2, vertical_alignment="bottom")
    day = left.date_input("现场回访日期", value=None, min_value=local_today(), format="YYYY-MM-DD",
                          key=f"{key}:revisit", help=f"不填则为 {C.RETURN_VISIT_WITHIN_DAYS} 天后")
    if right.button("重新安排回访", key=f"{key}:rebook"):
        run_write(lambda s: rebook_return_visit(s, user, complaint.id, day), "已重新安排现场回访，登门回访后即可结案")


def discount_box(user, discount: Discount, title: str = "") -> None:
    """One discount request; a manager (never its requester) approves or refuses it here."""
    with st.container(border=True):
        who = discount.requested_by.name if discount.requested_by else "（无）"
        st.markdown(f"**{plain(discount.kind)} {discount.amount:,.2f} 元**{title} · "
                    f"{C.DISCOUNT_STATES[discount.state]} · "
                    f"{plain(who)} 于 {local_time(discount.requested_at)} 申请")
        st.caption(plain(f"原因：{discount.reason}" + (f" · 审批意见：{discount.comment}" if discount.comment else "")
                         + (f" · 审批人：{discount.decided_by.name}" if discount.decided_by else "")))
        if discount.state == C.PENDING and permissions.can_decide_discount(user, discount.requested_by_id):
            decision(f"discount:{discount.id}",
                     lambda s, ok, comment, d=discount.id: decide_discount(s, user, d, ok, comment),
                     approved="折价申请已批准", refused_message="折价申请已拒绝", approve_label="批准")


def _discounts(user, customer, discounts: list[Discount], complaints: list[Complaint], can_request: bool) -> None:
    for discount in discounts:
        discount_box(user, discount)
    if not discounts:
        st.caption("还没有折价或让利申请。")
    if not can_request:
        return
    linked = {0: "（不关联投诉）", **{c.id: f"{c.day} {c.category}" for c in complaints}}
    base = f"discount:{customer.id}"
    with st.expander("申请折价 / 让利", key=f"discount_open:{customer.id}"), create_form(base):
        a, b, c = st.columns(3)
        with a:
            kind = st.selectbox("类型 *", C.DISCOUNT_KINDS)
            beside(base, "kind")
        with b:
            amount = money_box("金额（元）*")
            beside(base, "amount")
        complaint_id = c.selectbox("关联投诉", list(linked), format_func=linked.get)
        reason = st.text_area("原因 *", placeholder="例如：配送延误，按合同给予 5% 折价")
        beside(base, "reason")
        if st.form_submit_button("提交申请", type="primary"):
            create(base, lambda s: request_discount(s, user, customer.id, C.DiscountInput(
                kind, parse_money(amount), reason, complaint_id or None)),
                   "折价申请已提交，等待经理审批")
