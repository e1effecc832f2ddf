"""Demo follow-ups, visit plans and receivables, so the calendar, 今日待办 and charts have something to show."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy.orm import Session

from db.cadence import refresh_due
from db.followups import log_follow_up, plan_visits
from db.models import Customer, User
from db.models_followups import VisitPlan
from db.receivables import add_receivable
from domain.followups import METHODS, PLAN_METHODS, PLANNED, TOPICS, FollowUpInput, PlanInput
from domain.formatting import local_today
from domain.receivables import ReceivableInput

SUMMARIES = ["客户询问新品价格，已发报价单", "对账并确认上月回款", "店内陈列检查，堆头位置良好", "老板外出，约下周再谈",
             "客户反映竞品降价，要求支持促销", "送样品两箱，客户试销", "签订季度进货计划", "处理破损退换货",
             "介绍中秋促销政策", "客户对送货时效不满，已协调物流"]
COMPETITORS = ["", "", "竞品买赠力度大", "竞品进场费更低", "竞品新上 52 度礼盒"]
PROBLEMS = ["", "", "", "上月货款尚欠 2 万", "陈列位置被竞品占用"]


def seed_demo_follow_ups(session: Session, customers: list[Customer], rng: random.Random) -> None:
    """Past follow-ups by each owner (through the normal write path), plans for the coming two weeks
    and a few missed ones (written directly: a user can no longer plan a day that has passed)."""
    today = local_today()
    for customer in customers:  # filed over the past year, so some are long overdue
        customer.created_at -= dt.timedelta(days=rng.randint(0, 365))
    session.flush()
    for customer in customers:
        if not customer.is_active or customer.owner_id is None:
            continue
        owner = session.get(User, customer.owner_id)
        for _ in range(rng.choice([0, 1, 2, 3, 3, 4, 6])):
            method = rng.choices(METHODS, weights=[25, 10, 40, 12, 8, 5])[0]
            log_follow_up(session, owner, customer.id, FollowUpInput(
                day=today - dt.timedelta(days=rng.randint(1, 60)), method=method, summary=rng.choice(SUMMARIES),
                topic=rng.choice(TOPICS), competitors=rng.choice(COMPETITORS), open_problems=rng.choice(PROBLEMS),
                time=dt.time(rng.randint(9, 17), rng.choice([0, 15, 30, 45]))))
        roll = rng.random()
        if roll < 0.35:
            plan_visits(session, owner, [customer.id], PlanInput(
                day=today + dt.timedelta(days=rng.randint(0, 14)), method=rng.choice(PLAN_METHODS),
                purpose=rng.choice(["对账", "送样", "新品介绍", "陈列检查", "回访满意度"])))
        elif roll < 0.45:
            session.add(VisitPlan(customer_id=customer.id, day=today - dt.timedelta(days=rng.randint(1, 10)),
                                  method=rng.choice(PLAN_METHODS), purpose="回访满意度", assignee_id=owner.id,
                                  created_by_id=owner.id, status=PLANNED))
        for n in range(rng.choice([0, 0, 1, 2, 3])):  # 应收账款: some paid, some due soon, some long overdue
            amount = Decimal(rng.randint(20, 400) * 100)
            add_receivable(session, owner, customer.id, ReceivableInput(
                doc_date=today - dt.timedelta(days=rng.randint(0, 150)), amount=amount,
                paid=rng.choice([Decimal(0), amount / 2, amount]), doc_no=f"FH-{customer.id:04d}-{n + 1}"))
    refresh_due(session, [c.id for c in customers])
