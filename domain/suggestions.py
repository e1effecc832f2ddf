"""Rules that suggest a customer's next class, each with its reason (confirmed by a person, never applied alone).

- 生命周期 (lifecycle): 目标及意向 → 新签 on the first recorded order (月度销量 > 0);
  → 长期 once a long-term agreement is signed (三方协议) after the first order, or a contract marked
  长期 is in force (合同与协议). 流失 customers are left to people.
- 成交周期 (closing horizon): from 预计成交日期 — A within a month, B three months, C half a year, D later.
- 价值等级 (value grade): from the last 12 months' volume and 回款表现 — chronic late payment → E;
  occasional late payment caps the grade at C; A needs on-time payment, more than a year of
  orders and a signed agreement (DOMAIN.md §2).

Plain rules on plain facts (no database); db/suggestions.py gathers the facts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LIFECYCLE, HORIZON, VALUE = "lifecycle", "horizon", "value"
RULE_SCHEMES = (LIFECYCLE, HORIZON, VALUE)

# Closing horizon: days until the expected deal date → class (the first that fits).
HORIZON_DAYS = ((31, "A"), (92, "B"), (183, "C"))
# Value grade by the last 12 months' volume (units of the 月度销量 table).
GRADE_B_MIN = 1000
GRADE_C_MIN = 300
PAYS_ON_TIME, SOMETIMES_LATE, OFTEN_LATE = "按时回款", "偶有拖欠", "经常拖欠"


@dataclass(frozen=True)
class Facts:
    """What the rules know about one customer."""

    current: dict[str, str | None]     # scheme code → current class code (None: 未分类)
    first_order: dt.date | None = None  # first month with a recorded quantity
    volume_12m: int = 0                 # quantity over the last 12 months
    payment: str | None = None          # 回款表现
    agreement: bool = False             # a long-term agreement (三方协议) is signed
    long_contract: bool = False         # a long-term contract (合同与协议, marked 长期) is in force
    expected_deal: dt.date | None = None


@dataclass(frozen=True)
class Suggestion:
    scheme: str   # scheme code
    to: str       # class code
    reason: str


def lifecycle(facts: Facts, today: dt.date) -> Suggestion | None:
    current = facts.current.get(LIFECYCLE)
    if current in ("long", "lost"):
        return None
    if facts.long_contract:
        return Suggestion(LIFECYCLE, "long", "已签订长期合同（合同与协议）")
    if facts.agreement and (facts.first_order or current == "new"):
        return Suggestion(LIFECYCLE, "long", "已签订长期协议（三方协议）")
    if facts.first_order and current in (None, "target"):
        return Suggestion(LIFECYCLE, "new", f"{facts.first_order:%Y年%m月}首次进货")
    return None


def horizon(facts: Facts, today: dt.date) -> Suggestion | None:
    if facts.expected_deal is None or facts.expected_deal < today or facts.first_order:
        return None  # no date, a date already past (ask the rep), or the deal is done
    days = (facts.expected_deal - today).days
    grade = next((code for limit, code in HORIZON_DAYS if days <= limit), "D")
    return Suggestion(HORIZON, grade, f"预计成交日期 {facts.expected_deal:%Y-%m-%d}（{days} 天后）")


def value_grade(facts: Facts, today: dt.date) -> Suggestion | None:
    if facts.payment == OFTEN_LATE:
        return Suggestion(VALUE, "E", "回款表现：经常拖欠")
    if not facts.first_order:
        return None  # no orders yet: nothing to grade by
    volume = f"近 12 个月销量 {facts.volume_12m}"
    years = (today - facts.first_order).days / 365
    if facts.payment == PAYS_ON_TIME and facts.agreement and years >= 1 and facts.volume_12m >= GRADE_B_MIN:
        return Suggestion(VALUE, "A", f"{volume}，合作一年以上、按时回款、已签协议")
    grade = "B" if facts.volume_12m >= GRADE_B_MIN else "C" if facts.volume_12m >= GRADE_C_MIN else "D"
    if facts.payment == SOMETIMES_LATE and grade == "B":
        return Suggestion(VALUE, "C", f"{volume}，但偶有拖欠")
    return Suggestion(VALUE, grade, volume)


RULES = {LIFECYCLE: lifecycle, HORIZON: horizon, VALUE: value_grade}


def suggest(facts: Facts, schemes: list[str], today: dt.date) -> list[Suggestion]:
    """The suggestions for ``schemes`` that would change the customer's class."""
    found = (RULES[code](facts, today) for code in schemes if code in RULES)
    return [s for s in found if s is not None and s.to != facts.current.get(s.scheme)]
