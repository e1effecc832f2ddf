"""Showing an archive's follow-ups (with 审阅), its visit plans and its contact status."""
from __future__ import annotations

import streamlit as st

from components.feedback import run_write
from db.followup_queries import Timeline
from db.followups import cancel_plan, correct_follow_up, review_follow_up
from db.models_followups import ContactStatus, FollowUp
from domain import permissions
from domain.cadence import contact_note
from domain.followups import CORRECTABLE, PLANNED, plan_state
from domain.formatting import local_time, local_today, plain


def status_line(status: ContactStatus | None) -> None:
    """上次联系 and what is due by which kind of contact, red when overdue."""
    if status is None:
        return
    note = contact_note(status, local_today())
    if note.late:
        before = note.line[:-len(note.text)]  # 上次联系 … · (any contact), then the overdue in red
        st.markdown(f"{plain(before)}:red[**{plain(note.text)}**]")
    else:
        st.caption(plain(note.line))


def follow_up_list(user, timeline: Timeline, *, supervisor_of: dict[int, int | None], key: str) -> None:
    """The records, newest first; the follower's supervisor can write 审阅意见 under each."""
    if not timeline.follow_ups:
        st.info("还没有跟进记录。")
        return
    for record in timeline.follow_ups:
        with st.container(border=True):
            _record(record)
            follower_supervisor = supervisor_of.get(record.follower_id) if record.follower_id else None
            if permissions.can_review_follow_up(user, record.follower_id, follower_supervisor):
                _review(user, record, key)
            if permissions.can_correct_follow_up(user, record.follower_id, follower_supervisor,
                                                 record.reviewed_at is not None):
                _correct(user, record, key)


def _record(record: FollowUp) -> None:
    when = f"{record.day} {record.time.strftime('%H:%M')}" if record.time else str(record.day)
    who = record.follower.name if record.follower else "系统"
    extra = f" · 协同：{record.companions}" if record.companions else ""
    topic = f" · {record.topic}" if record.topic else ""
    st.markdown(f"**{when} · {record.method}**{plain(topic)} · {plain(who)}{plain(extra)}")
    st.markdown(plain(record.summary))
    details = [("客户反馈", record.feedback), ("竞品情况", record.competitors), ("遗留问题", record.open_problems),
               ("下一步", " ".join(x for x in (record.next_step, f"（{record.next_date}）" if record.next_date else "")
                                 if x))]
    for label, text in details:
        if text:
            st.markdown(f"**{label}**：{plain(text)}")
    if record.reviewed_at:
        reviewer = record.reviewed_by.name if record.reviewed_by else ""
        st.markdown(f":green[**已审阅**] {plain(reviewer)}（{local_time(record.reviewed_at)}）："
                    f"{plain(record.review_comment)}")
    else:
        st.caption("未审阅")


def _review(user, record: FollowUp, key: str) -> None:
    box = st.expander("修改审阅意见" if record.reviewed_at else "写审阅意见", key=f"{key}:review_open:{record.id}",
                      on_change="rerun")  # on_change="rerun": its content runs only while it is open
    if not box.open:
        return
    with box:
        comment = st.text_area("审阅意见", key=f"{key}:review:{record.id}", value=record.review_comment or "",
                               height=68)
        if st.button("保存审阅意见", key=f"{key}:review_save:{record.id}"):
            run_write(lambda s: review_follow_up(s, user, record.id, comment), "审阅意见已保存，跟进人可以看到")


def _correct(user, record: FollowUp, key: str) -> None:
    """更正: the record's words with a reason. The version the form was filled from is kept until the
    save, so a save after someone else's change is refused instead of overwriting it."""
    box = st.expander("更正这条记录", key=f"{key}:correct_open:{record.id}", on_change="rerun")
    if not box.open:
        return
    with box:
        opened = f"{key}:correct_version:{record.id}"
        st.session_state.setdefault(opened, record.version)
        values = {name: st.text_area(label, value=getattr(record, name) or "", height=68,
                                     key=f"{key}:correct:{name}:{record.id}")
                  for name, label in CORRECTABLE.items()}
        reason = st.text_input("更正原因 *", key=f"{key}:correct_reason:{record.id}")
        if st.button("保存更正", key=f"{key}:correct_save:{record.id}"):
            version = st.session_state.pop(opened)  # after a conflict, saving again applies to the latest
            run_write(lambda s: correct_follow_up(s, user, record.id, values, reason=reason, expected_version=version),
                      "更正已保存，原内容留在档案历史中")


def plan_list(user, timeline: Timeline, *, key: str) -> None:
    """Open plans (overdue in red) with 取消; then the latest done or cancelled ones."""
    today = local_today()
    open_plans = [p for p in timeline.plans if p.status == PLANNED]
    closed = [p for p in timeline.plans if p.status != PLANNED][:10]
    if not timeline.plans:
        st.caption("没有回访计划。")
        return
    for plan in open_plans:
        state = plan_state(plan.status, plan.day, today)
        colour = "red" if state == "已逾期" else "blue"
        text = " · ".join(x for x in (str(plan.day), plan.method, plan.purpose or "", plan.topic or "",
                                      plan.assignee.name if plan.assignee else "") if x)
        left, right = st.columns([4, 1])
        left.markdown(f":{colour}[**{state}**] {plain(text)}")
        box = right.popover("取消", width="stretch", key=f"{key}:cancel_open:{plan.id}", on_change="rerun")
        if not box.open:
            continue
        with box:
            why = st.text_input("取消原因 *", key=f"{key}:cancel_reason:{plan.id}")
            if st.button("确认取消", key=f"{key}:cancel:{plan.id}"):
                run_write(lambda s, plan_id=plan.id, version=plan.version:
                          cancel_plan(s, user, plan_id, why, expected_version=version), "回访计划已取消")
    for plan in closed:
        st.caption(f"{plan_state(plan.status, plan.day, today)} · {plan.day} · {plan.method} · {plain(plan.purpose)}")
