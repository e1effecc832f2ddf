"""Entering a follow-up (quick: method, one line, next date — the rest folded away) and planning visits.

Both forms keep what the user typed when a save is refused, and show each refusal under its field.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from components.feedback import flash, refused
from components.forms import ALREADY_SAVED, clear, form_key, save_once
from db.engine import session_scope
from db.followups import PlanChoice, log_follow_up, plan_visits, plans_to_answer
from db.models import ClassScheme, User
from domain.errors import UserFacingError
from domain.followups import (
    METHODS,
    NO_PLAN,
    PLAN_METHODS,
    TOPICS,
    FollowUpError,
    FollowUpInput,
    PlanInput,
    default_method,
    plan_label,
)
from domain.formatting import local_today, plain

KEEP = "（不变）"
AUTO = "auto"  # the plan picker's 「自动（按跟进方式匹配）」: log_follow_up picks (domain/followups.auto_plan)


def _error(errors: dict[str, str], field: str) -> None:
    if message := errors.get(field):
        st.markdown(f":red[⚠ {plain(message)}]")


def follow_up_form(user, customer_id: int, *, key: str, schemes: list[ClassScheme] | None = None,
                   current: dict[int, int] | None = None, plan_id: int | None = None,
                   title: str = "记录跟进") -> bool:
    """The follow-up form; returns True once saved (a success message is flashed for the rerun).

    ``schemes``/``current``: offer 分类调整 (the class after the contact) for these schemes.
    ``plan_id``: the visit plan this contact answers (from the calendar or 今日待办), preselected in
    「这次跟进完成的回访计划」, which lists the customer's open plans (complaint return visits first).
    """
    today = local_today()
    base, key = key, form_key(key)  # a new key after each save: the next form is empty
    errors: dict[str, str] = st.session_state.get(f"{key}:errors", {})
    plans = _open_plans(user, customer_id)
    given = plans.get(plan_id) if plan_id is not None else None
    with st.form(key, border=True, enter_to_submit=False):
        if title:
            st.markdown(f"**{plain(title)}**")
        method = st.radio("跟进方式 *", METHODS, horizontal=True, key=f"{key}:method",
                          index=METHODS.index(default_method(given.method) if given else "电话跟进"))
        _error(errors, "method")
        answers = _plan_choice(key, plans, given, today) if plans else plan_id
        _error(errors, "plan")
        summary = st.text_input("跟进情况 *", key=f"{key}:summary",
                                placeholder="一句话即可，例如：客户要新品价格表，周五送样")
        _error(errors, "summary")
        left, right = st.columns(2)
        day = left.date_input("跟进日期 *", value=today, max_value=today, format="YYYY-MM-DD", key=f"{key}:day")
        next_date = right.date_input("下次跟进日期", value=None, min_value=today, format="YYYY-MM-DD",
                                     key=f"{key}:next_date", help="填写后自动生成一条回访计划，出现在日历和今日待办")
        _error(errors, "day")
        _error(errors, "next_date")
        with st.expander("更多内容：主题、客户反馈、竞品、遗留问题、分类调整…"):
            left, right = st.columns(2)
            at = left.time_input("时间", value=None, key=f"{key}:time", step=dt.timedelta(minutes=15))
            topic = right.selectbox("跟进主题", TOPICS, index=None, placeholder="（未选）", key=f"{key}:topic")
            companions = st.text_input("协同人员", key=f"{key}:companions")
            _error(errors, "companions")
            feedback = st.text_area("客户反馈", key=f"{key}:feedback", height=68)
            competitors = st.text_area("竞品情况", key=f"{key}:competitors", height=68)
            open_problems = st.text_area("遗留问题", key=f"{key}:open_problems", height=68)
            next_step = st.text_input("下一步计划", key=f"{key}:next_step")
            _error(errors, "next_step")
            chosen = _class_choices(key, schemes or [], current or {})
        saved = st.form_submit_button("保存跟进记录", type="primary", width="stretch")
    if not saved:
        return False
    data = FollowUpInput(day=day, time=at, method=method or "", summary=summary or "", topic=topic or "",
                         feedback=feedback, competitors=competitors, open_problems=open_problems,
                         next_step=next_step, next_date=next_date, companions=companions, plan_id=answers,
                         classes=chosen)
    try:
        result = save_once(base, lambda session: log_follow_up(session, user, customer_id, data))
    except FollowUpError as exc:  # shown now, and under each field from the next run on
        st.session_state[f"{key}:errors"] = exc.errors
        st.error("未保存：" + "；".join(exc.errors.values()))
        return False
    except UserFacingError as exc:
        st.session_state.pop(f"{key}:errors", None)
        refused(exc)
        return False
    clear(base)
    flash("跟进记录已保存" + (f"，已安排 {next_date} 再次跟进" if next_date else "")
          + ("（同一份表单提交了两次，只保存了一次）" if result is ALREADY_SAVED else ""))
    return True


def _open_plans(user, customer_id: int) -> dict[int, PlanChoice]:
    try:
        with session_scope(read_only=True) as session:
            return {p.id: p for p in plans_to_answer(session, user, customer_id)}
    except UserFacingError:  # not theirs to see: the save is refused with the reason
        return {}


def _plan_choice(key: str, plans: dict[int, PlanChoice], given: PlanChoice | None, today: dt.date) -> int | None:
    """「这次跟进完成的回访计划」: 自动 (the default), one of the open plans, or 不对应回访计划 (NO_PLAN)."""
    options = [AUTO, *plans, NO_PLAN]
    labels = {AUTO: "自动（按跟进方式匹配）", NO_PLAN: "不对应回访计划",
              **{p.id: plan_label(p.day, p.method, p.purpose, p.return_visit, today) for p in plans.values()}}
    chosen = st.selectbox("这次跟进完成的回访计划", options, index=options.index(given.id) if given else 0,
                          format_func=labels.get, key=f"{key}:plan",
                          help="现场回访计划须直接登门或邀约登门才能完成；电话跟进只能完成电话回访计划。"
                               "投诉回访排在最前，可以提前登门完成。")
    return None if chosen == AUTO else chosen


def _class_choices(key: str, schemes: list[ClassScheme], current: dict[int, int]) -> dict[int, int]:
    """等级推进结果: one picker per scheme, starting at 不变; returns only the changed ones."""
    if not schemes:
        return {}
    st.caption("分类调整（跟进后客户所处的分类；调整会记入分类变动，原因即本条跟进）")
    chosen = {}
    columns = st.columns(min(3, len(schemes)))
    for i, scheme in enumerate(schemes):
        names = {v.id: v.name for v in scheme.values if not v.is_retired}
        now = names.get(current.get(scheme.id), "未分类")
        value = columns[i % len(columns)].selectbox(
            plain(f"{scheme.name}（现为 {now}）"), [None, *names], key=f"{key}:class:{scheme.id}",
            format_func=lambda v, names=names: KEEP if v is None else names[v])
        if value is not None and value != current.get(scheme.id):
            chosen[scheme.id] = value
    return chosen


def plan_form(user, customer_ids: list[int], *, key: str, assignees: list[User] | None = None,
              day: dt.date | None = None, title: str = "安排回访") -> bool:
    """Plan one visit for ``customer_ids`` (one customer, or a whole filtered list); True once saved."""
    today = local_today()
    base, key = key, form_key(key)
    with st.form(key, border=True, enter_to_submit=False):
        st.markdown(f"**{plain(title)}**")
        left, right = st.columns(2)
        when = left.date_input("计划日期 *", value=max(day or today, today), min_value=today, format="YYYY-MM-DD",
                               key=f"{key}:day")
        method = right.selectbox("回访方式 *", PLAN_METHODS, index=1, key=f"{key}:method")
        purpose = st.text_input("目的", key=f"{key}:purpose", max_chars=200, placeholder="例如：对账、送样、处理投诉")
        topic = st.text_input("主题", key=f"{key}:topic", max_chars=100)
        assignee_id = None
        if assignees:
            names = {u.id: u.name for u in assignees}
            assignee_id = st.selectbox("回访人", list(names), format_func=names.get, key=f"{key}:assignee",
                                       index=list(names).index(user.id) if user.id in names else 0)
        label = "安排回访" if len(customer_ids) == 1 else f"为 {len(customer_ids)} 位客户安排回访"
        saved = st.form_submit_button(label, type="primary", width="stretch")
    if not saved:
        return False
    plan = PlanInput(day=when, method=method or "", purpose=purpose, topic=topic, assignee_id=assignee_id)
    try:
        count = save_once(base, lambda session: plan_visits(session, user, customer_ids, plan))
    except UserFacingError as exc:
        refused(exc)
        return False
    clear(base)
    flash("回访计划已保存（同一份表单提交了两次，只保存了一次）" if count is ALREADY_SAVED
          else f"已安排 {count} 条回访计划（{when}）")
    return True
