"""工作报表 in AppTest: the week is named with its year, plans not yet due are 待到期, not misses."""
import datetime as dt

from db.engine import session_scope
from db.models_followups import VisitPlan
from domain import roles as R
from domain.formatting import local_today
from domain.periods import MONTH, WEEK, period_start
from tests.pages.apptest import open_page, shown


def test_the_week_report_names_its_year_and_later_plans_are_upcoming(people):
    users, customer_id = people
    rep, today = users[R.REP], local_today()
    later = today + dt.timedelta(days=40)  # outside this week and this month
    with session_scope() as s:
        for day in (today, later):
            s.add(VisitPlan(customer_id=customer_id, day=day, method="现场-核心", assignee_id=rep.id,
                            created_by_id=rep.id))
    at = open_page("pages/reports.py", rep)
    assert not at.exception, at.exception
    assert f"{period_start(today, WEEK):%Y-%m-%d} 当周" in shown(at.subheader)[0]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["计划回访"], metrics["完成率"], metrics["待到期"]) == ("1", "0%", "0")

    at.date_input(key="report_day").set_value(later).run()
    at.segmented_control(key="report_kind").set_value(MONTH).run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["计划回访"], metrics["完成率"], metrics["待到期"]) == ("0", "—", "1")
    assert any("待到期" in c.value for c in at.caption)
