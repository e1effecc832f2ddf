"""驾驶舱 aggregates about the team's work and money: follow-ups and visits per week, sales per
product and month, investment against volume, credit used against the limit (receivables aging
is db/receivables.aging with the dashboard's scope).
Each is one or two GROUP BYs; weeks are summed in Python from per-day rows (at most 84 days)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.dashboard_customers import NO_OWNER, in_view, scope
from db.models import Customer, MonthlySales, User
from db.models_followups import FollowUp, Receivable, VisitPlan
from domain import dashboard as rules
from domain import permissions
from domain.followups import CANCELLED, DONE, VISIT_METHODS
from domain.periods import WEEK, period_start

WEEKS = 12
TOP = 20


def first_week(today: dt.date, weeks: int = WEEKS) -> dt.date:
    return period_start(today, WEEK) - dt.timedelta(weeks=weeks - 1)


def follow_ups_per_week(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter,
                        today: dt.date) -> list[tuple[dt.date, str, str, int]]:
    """(week start, follower, method, count) over the last 12 weeks."""
    since = first_week(today)
    query = (select(FollowUp.day, FollowUp.follower_id, FollowUp.method, func.count())
             .where(FollowUp.day >= since, FollowUp.day <= today)
             .group_by(FollowUp.day, FollowUp.follower_id, FollowUp.method))
    rows = session.execute(in_view(query, actor, flt, FollowUp.customer_id, FollowUp.follower_id)).all()
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_({r[1] for r in rows if r[1]}))).all())
    weeks: Counter[tuple[dt.date, str, str]] = Counter()
    for day, follower_id, method, count in rows:
        weeks[period_start(day, WEEK), names.get(follower_id, NO_OWNER), method] += count
    return [(week, who, method, count) for (week, who, method), count in sorted(weeks.items())]


@dataclass
class WeekVisits:
    week: dt.date
    planned: int
    done: int
    visits: int

    @property
    def success_rate(self) -> float | None:
        return rules.rate(self.done, self.planned)


def visits_per_week(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter,
                    today: dt.date) -> list[WeekVisits]:
    """Planned visits, those done, and visits in person, per week of the last 12. A plan counts as the
    工作报表 counts it (db/reports.team_stats): once due, or once done even if due later this week;
    cancelled never."""
    since = first_week(today)
    week_end = period_start(today, WEEK) + dt.timedelta(weeks=1)
    weeks = {since + dt.timedelta(weeks=i): WeekVisits(since + dt.timedelta(weeks=i), 0, 0, 0) for i in range(WEEKS)}
    plans = (select(VisitPlan.day, func.count(), func.count().filter(VisitPlan.status == DONE))
             .where(VisitPlan.status != CANCELLED, VisitPlan.day >= since, VisitPlan.day < week_end,
                    or_(VisitPlan.day <= today, VisitPlan.status == DONE))
             .group_by(VisitPlan.day))
    for day, planned, done in session.execute(in_view(plans, actor, flt, VisitPlan.customer_id, VisitPlan.assignee_id)):
        week = weeks[period_start(day, WEEK)]
        week.planned, week.done = week.planned + planned, week.done + done
    visits_query = (select(FollowUp.day, func.count())
                    .where(FollowUp.method.in_(VISIT_METHODS), FollowUp.day >= since, FollowUp.day <= today)
                    .group_by(FollowUp.day))
    for day, visits in session.execute(in_view(visits_query, actor, flt, FollowUp.customer_id, FollowUp.follower_id)):
        weeks[period_start(day, WEEK)].visits += visits
    return list(weeks.values())


def sales_by_product(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter,
                     year: int) -> list[tuple[str, int, int]]:
    """月度销量: (product, month, quantity) summed over the customers in view for one year."""
    query = (select(MonthlySales.product, MonthlySales.month, func.sum(MonthlySales.quantity))
             .where(MonthlySales.year == year)
             .group_by(MonthlySales.product, MonthlySales.month).order_by(MonthlySales.product, MonthlySales.month))
    return [tuple(row) for row in session.execute(in_view(query, actor, flt, MonthlySales.customer_id))]


def investment_vs_volume(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter, year: int,
                         limit: int = 500) -> list[tuple[str, float, int]]:
    """(customer, 年度投入 万元, yearly volume) for the customers with an investment, biggest volume first."""
    volume = (select(MonthlySales.customer_id, func.sum(MonthlySales.quantity).label("volume"))
              .where(MonthlySales.year == year).group_by(MonthlySales.customer_id).subquery())
    rows = session.execute(
        select(Customer.name, Customer.investment, volume.c.volume).join(volume, volume.c.customer_id == Customer.id)
        .where(scope(actor, flt), Customer.investment.is_not(None)).order_by(volume.c.volume.desc()).limit(limit))
    return [(name, float(investment), int(total)) for name, investment, total in rows]


def credit_usage(session: Session, actor: permissions.Actor, flt: rules.DashboardFilter,
                 limit: int = TOP) -> list[tuple[str, float, float]]:
    """(customer, owed, 信用额度) of the customers using most of their credit limit."""
    owed = func.sum(Receivable.amount - Receivable.paid)
    rows = session.execute(
        select(Customer.name, owed, Customer.credit_limit).join(Receivable, Receivable.customer_id == Customer.id)
        .where(scope(actor, flt), Customer.credit_limit > 0, Receivable.paid < Receivable.amount)
        .group_by(Customer.id, Customer.name, Customer.credit_limit)
        .order_by((owed / Customer.credit_limit).desc()).limit(limit))
    return [(name, float(used), float(credit)) for name, used, credit in rows]
