"""市场与竞品: dated notes on competitors' products, prices, promotions and policies (the market-walk
reports), for a region or one customer."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import FieldErrors

TOPICS = ["价格", "促销", "政策", "新品", "陈列", "其它"]


class MarketNoteError(FieldErrors):
    """A refused input; ``errors`` maps each field to its message."""


@dataclass
class MarketNoteInput:
    day: dt.date | None
    competitor: str
    topic: str
    content: str
    product: str = ""
    price: Decimal | None = None
    province: str | None = None
    city: str = ""
    customer_id: int | None = None


def check_note(data: MarketNoteInput, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if data.day is None:
        errors["day"] = "请填写日期"
    elif data.day > today:
        errors["day"] = "日期不能晚于今天"
    if not data.competitor.strip():
        errors["competitor"] = "请填写竞品品牌或厂家"
    if data.topic not in TOPICS:
        errors["topic"] = "请选择类别"
    if not data.content.strip():
        errors["content"] = "请写下看到的情况"
    if data.price is not None and data.price < 0:
        errors["price"] = "价格不能为负数"
    if data.customer_id is None and not data.province:
        errors["province"] = "请选择省份，或关联一位客户"
    if errors:
        raise MarketNoteError(errors)
