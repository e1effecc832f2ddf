"""Demo complaints, discounts, contracts and market notes, so those tabs, reminders and last year's
volume show something."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy.orm import Session

from db.complaints import close, decide_discount, log_complaint, request_discount, resolve, start_handling
from db.contracts import add_contract
from db.followups import log_follow_up
from db.market import add_note
from db.models import Customer, User
from db.models_followups import VisitPlan
from db.seed_followups import dated, filed_at
from domain.complaints import ComplaintInput, DiscountInput
from domain.contracts import ContractInput
from domain.followups import FollowUpInput
from domain.formatting import local_today
from domain.market import MarketNoteInput

COMPLAINTS = [("配送物流", "送货比约定晚了三天，影响周末销售"), ("产品质量", "一箱中有两瓶瓶盖松动漏酒"),
              ("服务态度", "业务员电话不接，补货无人跟进"), ("账款结算", "对账单金额与实际到货不符")]
NOTES = [("某某酒业", "价格", "500ml 终端价降到 39 元，至月底"), ("金六福", "促销", "买二送一，送 100ml 小酒"),
         ("洋河", "政策", "经销商进货满 10 万返 3%"), ("汾酒", "新品", "新上 42 度光瓶酒，终端价 29 元"),
         ("某某酒业", "陈列", "包下超市端架，配促销员")]


def seed_demo_papers(session: Session, customers: list[Customer], rng: random.Random) -> None:
    today = local_today()
    owned = [c for c in customers if c.is_active and c.owner_id is not None]
    for index, customer in enumerate(owned[:8]):
        owner = session.get(User, customer.owner_id)
        category, content = COMPLAINTS[index % len(COMPLAINTS)]
        complaint = log_complaint(session, owner, customer.id, ComplaintInput(
            today - dt.timedelta(days=rng.randint(0, 20)), rng.choice(["电话", "上门", "微信/网络"]), category,
            rng.choice(["一般", "较重"]), content))
        if index % 3 >= 1:
            start_handling(session, owner, complaint.id)
        if index % 3 == 2:
            resolve(session, owner, complaint.id, "补发货品并当面致歉", "我方责任")
            request_discount(session, owner, customer.id, DiscountInput("折价", Decimal(rng.choice([300, 500, 800])),
                                                                        "投诉补偿", complaint.id))
    for index, customer in enumerate(owned[8:30]):
        owner = session.get(User, customer.owner_id)
        signed = today - dt.timedelta(days=rng.randint(30, 700))
        ends = signed + dt.timedelta(days=365 * rng.choice([1, 2, 3]))
        if index % 5 == 0:
            ends = today + dt.timedelta(days=rng.randint(3, 28))  # about to end: on the owner's 今日待办
        add_contract(session, owner, customer.id, ContractInput(
            f"HT-{signed:%Y}-{customer.id:04d}", rng.choice(["供货合同", "经销协议", "三方协议", "战略合作协议"]),
            signed, signed, None if index % 7 == 0 else ends, Decimal(rng.choice([50000, 120000, 300000])),
            "按月结算，账期 30 天", long_term=index % 7 == 0))
    for index, customer in enumerate(owned[30:40]):
        owner = session.get(User, customer.owner_id)
        competitor, topic, content = NOTES[index % len(NOTES)]
        add_note(session, owner, MarketNoteInput(today - dt.timedelta(days=rng.randint(0, 60)), competitor, topic,
                                                 content, customer_id=customer.id))


def seed_demo_last_year_papers(session: Session, veterans: list[Customer], rng: random.Random, manager: User,
                               admin: User) -> None:
    """Last year's contracts, complaints (each resolved, visited and closed), discounts and market notes;
    the first veteran has one of each, so its volume shows every sheet filled."""
    year = local_today().year - 1
    for customer in veterans[::3]:
        signed = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        with dated(session, signed):
            add_contract(session, session.get(User, customer.owner_id), customer.id, ContractInput(
                f"HT-{signed:%Y%m}-{customer.id:04d}", rng.choice(["供货合同", "经销协议", "战略合作协议"]),
                signed, signed,
                signed + dt.timedelta(days=365), Decimal(rng.choice([50000, 120000, 300000])), "按月结算，账期 30 天"))
    for index, customer in enumerate(veterans[:1] + veterans[1::3]):
        owner = session.get(User, customer.owner_id)
        day = dt.date(year, rng.randint(1, 11), rng.randint(1, 20))
        category, content = COMPLAINTS[index % len(COMPLAINTS)]
        with dated(session, day):
            complaint = log_complaint(session, owner, customer.id, ComplaintInput(
                day, rng.choice(["电话", "上门"]), category, "一般", content))
            start_handling(session, owner, complaint.id)
            resolve(session, owner, complaint.id, "补发货品并当面致歉", "我方责任")
        visit = day + dt.timedelta(days=5)
        session.get(VisitPlan, complaint.return_plan_id).day = visit  # booked back then, within the week
        with dated(session, visit):
            log_follow_up(session, owner, customer.id, FollowUpInput(
                day=visit, method="直接登门", summary="投诉回访：客户认可处理结果", plan_id=complaint.return_plan_id))
            close(session, owner, complaint.id, rng.choice(["满意", "非常满意"]))
        complaint.resolved_at, complaint.closed_at = filed_at(day, 16), filed_at(visit)
        if index % 2 == 0:
            with dated(session, day + dt.timedelta(days=1)):
                discount = request_discount(session, owner, customer.id, DiscountInput(
                    "折价", Decimal(rng.choice([300, 500, 800])), "投诉补偿", complaint.id))
                decide_discount(session, admin if owner.id == manager.id else manager, discount.id, True, "同意")
            discount.requested_at, discount.decided_at = filed_at(day + dt.timedelta(days=1)), filed_at(
                day + dt.timedelta(days=1), 15)
    for index, customer in enumerate(veterans[:1] + veterans[2::3]):
        day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        competitor, topic, content = NOTES[index % len(NOTES)]
        with dated(session, day):
            add_note(session, session.get(User, customer.owner_id), MarketNoteInput(
                day, competitor, topic, content, customer_id=customer.id))
