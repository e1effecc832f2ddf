"""Demo complaints, discounts, contracts and market notes, so those tabs and reminders show something."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy.orm import Session

from db.complaints import log_complaint, request_discount, resolve, start_handling
from db.contracts import add_contract
from db.market import add_note
from db.models import Customer, User
from domain.complaints import ComplaintInput, DiscountInput
from domain.contracts import ContractInput
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
