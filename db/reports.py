"""Visit reports: a rep's daily/weekly/monthly report and the manager's team report.

计划 = visit plans of the period (not cancelled) assigned to the rep that are due by the report
date (today), plus any already done; 待到期 = the period's open plans due after it; 完成 = plans
answered by a follow-up; 完成率 = 完成 ÷ 计划 (the documents' "success rate" of planned visits),
so mid-month a month report is not diluted by plans nobody could have done yet; 拜访 =
follow-ups in person (直接登门/邀约登门). Every number is a GROUP BY in the database.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Customer, User
from db.models_followups import FollowUp, VisitPlan
from domain import permissions
from domain.errors import PermissionDenied
from domain.followups import CANCELLED, DONE, METHODS, VISIT_METHODS
from domain.formatting import local_today
from domain.roles import MANAGER, REP, SUPERVISORS
from domain.workbooks import tables_workbook


@dataclass
class RepStats:
    rep_id: int
    name: str
    planned: int = 0
    completed: int = 0
    upcoming: int = 0  # 待到期: open plans due after the report date, not in 计划 yet
    visits: int = 0
    follow_ups: int = 0
    customers: int = 0
    reviewed: int = 0
    by_method: dict[str, int] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.planned if self.planned else None


@dataclass
class RepReport:
    stats: RepStats
    start: dt.date
    end: dt.date  # exclusive
    open_problems: list[tuple[dt.date, str, str]]  # (day, customer, 遗留问题)
    records: list[tuple[dt.date, str, str, str]]   # (day, customer, method, 跟进情况)


def can_see_reports_of(actor: permissions.Actor, rep: User) -> bool:
    """Your own report; a manager's team; the general manager and admins everyone's."""
    return actor.id == rep.id or actor.role in SUPERVISORS and (actor.role != MANAGER or rep.supervisor_id == actor.id)


def team_members(session: Session, actor: permissions.Actor) -> list[User]:
    """Whose reports ``actor`` may read, themselves first."""
    query = select(User).where(User.is_active.is_(True))
    if actor.role == MANAGER:
        query = query.where((User.supervisor_id == actor.id) | (User.id == actor.id))
    elif actor.role in SUPERVISORS:
        query = query.where(User.role.in_((REP, MANAGER)) | (User.id == actor.id))
    else:
        query = query.where(User.id == actor.id)
    people = list(session.scalars(query.order_by(User.name)))
    return sorted(people, key=lambda u: u.id != actor.id)


def team_stats(session: Session, people: list[User], start: dt.date, end: dt.date,
               today: dt.date | None = None) -> list[RepStats]:
    """Each person's numbers for [start, end); plans after ``today`` (default: the team's today) are 待到期."""
    today = today or local_today()
    ids = [u.id for u in people]
    stats = {u.id: RepStats(u.id, u.name, by_method={m: 0 for m in METHODS}) for u in people}
    for assignee, status, day, count in session.execute(
            select(VisitPlan.assignee_id, VisitPlan.status, VisitPlan.day, func.count())
            .where(VisitPlan.assignee_id.in_(ids), VisitPlan.day >= start, VisitPlan.day < end,
                   VisitPlan.status != CANCELLED)
            .group_by(VisitPlan.assignee_id, VisitPlan.status, VisitPlan.day)):
        row = stats[assignee]
        if status == DONE:  # done early counts as done, whenever it was due
            row.planned, row.completed = row.planned + count, row.completed + count
        elif day > today:
            row.upcoming += count
        else:
            row.planned += count
    in_period = (FollowUp.follower_id.in_(ids), FollowUp.day >= start, FollowUp.day < end)
    for follower, method, count in session.execute(
            select(FollowUp.follower_id, FollowUp.method, func.count()).where(*in_period)
            .group_by(FollowUp.follower_id, FollowUp.method)):
        row = stats[follower]
        row.by_method[method] = row.by_method.get(method, 0) + count
        row.follow_ups += count
        row.visits += count if method in VISIT_METHODS else 0
    for follower, customers, reviewed in session.execute(
            select(FollowUp.follower_id, func.count(func.distinct(FollowUp.customer_id)),
                   func.count(FollowUp.reviewed_at))
            .where(*in_period).group_by(FollowUp.follower_id)):
        stats[follower].customers, stats[follower].reviewed = customers, reviewed
    return [stats[i] for i in ids]


def rep_report(session: Session, actor: permissions.Actor, rep_id: int, start: dt.date, end: dt.date,
               today: dt.date | None = None) -> RepReport:
    rep = session.get(User, rep_id)
    if rep is None or not can_see_reports_of(actor, rep):
        raise PermissionDenied("您只能查看自己或下属的报表")
    stats = team_stats(session, [rep], start, end, today)[0]
    rows = session.execute(
        select(FollowUp.day, Customer.name, FollowUp.method, FollowUp.summary, FollowUp.open_problems)
        .join(Customer, Customer.id == FollowUp.customer_id)
        .where(FollowUp.follower_id == rep_id, FollowUp.day >= start, FollowUp.day < end)
        .order_by(FollowUp.day, FollowUp.id).limit(2000)).all()
    return RepReport(stats, start, end,
                     open_problems=[(day, name, problems) for day, name, _, _, problems in rows if problems],
                     records=[(day, name, method, summary) for day, name, method, summary, _ in rows])


RATE_FORMAT = {"完成率": "0%"}  # a number in the workbook, shown as a percentage


def stats_row(s: RepStats) -> dict:
    """One person's numbers as the report's tables show them; 完成率 a fraction, None when nothing was due."""
    return {"人员": s.name, "计划回访": s.planned, "已完成": s.completed, "完成率": s.completion_rate,
            "待到期": s.upcoming, "登门拜访": s.visits, "跟进合计": s.follow_ups, "联系客户数": s.customers,
            "已审阅": s.reviewed, **s.by_method}


def report_workbook(title: str, report: RepReport) -> bytes:
    """A rep's report as .xlsx: 汇总, 遗留问题 and 跟进明细."""
    summary = stats_row(report.stats)
    return tables_workbook(title, [
        ("汇总", list(summary), [list(summary.values())]),
        ("遗留问题", ["日期", "客户", "遗留问题"], report.open_problems),
        ("跟进明细", ["日期", "客户", "跟进方式", "跟进情况"], report.records)], RATE_FORMAT)


def team_workbook(title: str, team: list[RepStats]) -> bytes:
    rows = [stats_row(s) for s in team]
    return tables_workbook(title, [("团队", list(rows[0]) if rows else [], [list(r.values()) for r in rows])],
                           RATE_FORMAT)
