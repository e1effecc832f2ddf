"""Demo follow-ups, visit plans, receivables and class moves, so the calendar, 今日待办, the charts
and last year's volume have something to show.

History is written through the normal write paths, then dated back (``dated``): its history
entries and class moves get the day the demo says it happened."""
from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from decimal import Decimal
from typing import Iterator

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.cadence import refresh_due
from db.classification import move_class
from db.followups import log_follow_up, plan_visits
from db.models import AuditEvent, ClassMovement, ClassScheme, Customer, MonthlySales, User
from db.models_followups import VisitPlan
from db.receivables import add_receivable, record_payment
from domain.followups import METHODS, NO_PLAN, PLAN_METHODS, PLANNED, TOPICS, FollowUpInput, PlanInput
from domain.formatting import local_today, utc_start_of
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


MOVE_REASONS = ["年销量上升，调整分类", "回款及时，合作稳定", "进货量下降", "签订年度供货合同", "长期未进货",
                "门店扩张"]


def filed_at(day: dt.date, hour: int = 10) -> dt.datetime:
    """The stored (UTC) moment of ``hour`` o'clock on ``day`` in the team's time zone."""
    return utc_start_of(day) + dt.timedelta(hours=hour)


@contextmanager
def dated(session: Session, day: dt.date) -> Iterator[None]:
    """Writes made inside are dated ``day``: their history entries and class moves."""
    since_event = session.scalar(select(func.max(AuditEvent.id))) or 0
    since_move = session.scalar(select(func.max(ClassMovement.id))) or 0
    yield
    session.flush()
    at = filed_at(day)
    quick = {"synchronize_session": False}  # the loaded copies are not read again while seeding
    session.execute(update(AuditEvent).where(AuditEvent.id > since_event).values(at=at), execution_options=quick)
    session.execute(update(ClassMovement).where(ClassMovement.id > since_move).values(at=at), execution_options=quick)


def seed_demo_moves(session: Session, customers: list[Customer], rng: random.Random, days: list[int]) -> None:
    """Class moves by the owner, ``days`` ago each (oldest first), in the active schemes (分类变动)."""
    schemes = list(session.scalars(select(ClassScheme).where(ClassScheme.is_active.is_(True)).order_by(ClassScheme.id)))
    today = local_today()
    for customer, ago in zip(customers, days):
        scheme = rng.choice(schemes)
        current = next((c.value_id for c in customer.classes if c.scheme_id == scheme.id), None)
        target = rng.choice([v for v in scheme.values if v.id != current and not v.is_retired])
        with dated(session, today - dt.timedelta(days=ago)):
            move_class(session, session.get(User, customer.owner_id), customer.id, scheme.id, target.id,
                       reason=rng.choice(MOVE_REASONS), expected_value_id=current)


def seed_demo_last_year(session: Session, veterans: list[Customer], rng: random.Random) -> None:
    """Long-standing customers' last year: visits, invoices paid during the year, monthly sales, a class move."""
    year = local_today().year - 1
    for customer in veterans:
        customer.created_at = filed_at(dt.date(year - rng.choice([1, 2]), rng.randint(1, 12), rng.randint(1, 28)))
        owner = session.get(User, customer.owner_id)
        for day in sorted(_day_in(rng, year) for _ in range(rng.randint(2, 4))):
            with dated(session, day):
                log_follow_up(session, owner, customer.id, FollowUpInput(
                    day=day, method=rng.choices(METHODS, weights=[25, 10, 40, 12, 8, 5])[0],
                    summary=rng.choice(SUMMARIES), topic=rng.choice(TOPICS), plan_id=NO_PLAN,
                    time=dt.time(rng.randint(9, 17), rng.choice([0, 15, 30, 45]))))
        for n in range(rng.randint(1, 2)):
            day = _day_in(rng, year, last_month=10)
            amount = Decimal(rng.randint(20, 400) * 100)
            with dated(session, day):
                receivable = add_receivable(session, owner, customer.id, ReceivableInput(
                    doc_date=day, amount=amount, doc_no=f"FH-{year}-{customer.id:04d}-{n + 1}"))
            with dated(session, day + dt.timedelta(days=rng.randint(15, 60))):
                record_payment(session, owner, receivable.id, rng.choice([amount / 2, amount]))
        for product in [p.product for p in customer.products][:2] or ["五粮春 52度 500ml"]:  # 月度销量 of last year
            session.add_all(MonthlySales(customer_id=customer.id, year=year, product=product, month=m,
                                         quantity=rng.randint(5, 120)) for m in range(1, 13))
    seed_demo_moves(session, veterans[::2], rng, [(local_today() - _day_in(rng, year)).days for _ in veterans[::2]])


def _day_in(rng: random.Random, year: int, last_month: int = 12) -> dt.date:
    return dt.date(year, rng.randint(1, last_month), rng.randint(1, 28))
