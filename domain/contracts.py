"""合同与协议: the kinds, the checks, and whether a contract is in force or about to end."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from domain.errors import FieldErrors

KINDS = ["供货合同", "三方协议", "战略合作协议", "经销协议", "促销/陈列协议", "还款协议", "其它"]
REMIND_DAYS = 30  # 到期提醒: this many days before the end

NOT_YET, ACTIVE, ENDING, EXPIRED = "未生效", "生效中", "即将到期", "已到期"


class ContractError(FieldErrors):
    """A refused input; ``errors`` maps each field to its message."""


@dataclass
class ContractInput:
    number: str
    kind: str
    signed_on: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    amount: Decimal | None = None
    terms: str = ""
    long_term: bool = False  # 长期合同: a signed one suggests the lifecycle class 长期客户


def check_contract(data: ContractInput, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if not data.number.strip():
        errors["number"] = "请填写合同编号"
    elif len(data.number.strip()) > 60:
        errors["number"] = "合同编号最多 60 个字符"
    if data.kind not in KINDS:
        errors["kind"] = "请选择合同类型"
    if data.signed_on is None:
        errors["signed_on"] = "请填写签订日期"
    elif data.signed_on > today:
        errors["signed_on"] = "签订日期不能晚于今天"
    if data.starts_on is None:
        errors["starts_on"] = "请填写开始日期"
    if data.ends_on is not None and data.starts_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期"
    if data.amount is not None and data.amount < 0:
        errors["amount"] = "金额不能为负数"
    if errors:
        raise ContractError(errors)


def status(starts_on: dt.date, ends_on: dt.date | None, today: dt.date) -> str:
    if today < starts_on:
        return NOT_YET
    if ends_on is None:
        return ACTIVE
    if today > ends_on:
        return EXPIRED
    if (ends_on - today).days <= REMIND_DAYS:
        return ENDING
    return ACTIVE
