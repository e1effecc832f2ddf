"""投诉 and 折价 rules: the state machine, the checks, the contract dates."""
import datetime as dt
from decimal import Decimal

import pytest

from domain import complaints as C
from domain import contracts as K
from domain.errors import UserFacingError

TODAY = dt.date(2026, 6, 10)


@pytest.mark.parametrize("state, wanted, allowed", [
    (C.OPEN, C.HANDLING, True), (C.HANDLING, C.RESOLVED, True), (C.RESOLVED, C.CLOSED, True),
    (C.OPEN, C.RESOLVED, False),   # no skipping 处理中
    (C.OPEN, C.CLOSED, False),     # never closed without handling and a return visit
    (C.HANDLING, C.CLOSED, False),
    (C.CLOSED, C.OPEN, False),     # no way back
    (C.RESOLVED, C.HANDLING, False),
])
def test_complaint_state_machine(state, wanted, allowed):
    if allowed:
        C.check_step(state, wanted)
    else:
        with pytest.raises(UserFacingError, match="不能直接改为"):
            C.check_step(state, wanted)


def test_closing_needs_the_return_visit_and_a_satisfaction():
    with pytest.raises(C.ComplaintError, match="现场回访后才能结案"):
        C.check_close("满意", return_visit_done=False)
    with pytest.raises(C.ComplaintError, match="满意度"):
        C.check_close("", return_visit_done=True)
    C.check_close("满意", return_visit_done=True)


@pytest.mark.parametrize("changes, field", [
    ({"day": TODAY + dt.timedelta(days=1)}, "day"),
    ({"channel": "飞鸽传书"}, "channel"),
    ({"content": "  "}, "content"),
    ({"severity": ""}, "severity"),
])
def test_bad_complaints_name_the_field(changes, field):
    data = C.ComplaintInput(**{**dict(day=TODAY, channel="电话", category="配送物流", severity="一般",
                                      content="送货晚了三天"), **changes})
    with pytest.raises(C.ComplaintError) as error:
        C.check_complaint(data, TODAY)
    assert list(error.value.errors) == [field]


@pytest.mark.parametrize("amount, reason, field", [
    (None, "补偿", "amount"), (Decimal("0"), "补偿", "amount"), (Decimal("-5"), "补偿", "amount"),
    (Decimal("100"), "", "reason"),
])
def test_bad_discounts(amount, reason, field):
    with pytest.raises(C.ComplaintError) as error:
        C.check_discount(C.DiscountInput("折价", amount, reason))
    assert list(error.value.errors) == [field]


def test_a_contract_ending_before_it_starts_is_refused():
    data = K.ContractInput("HT-001", "供货合同", TODAY, TODAY, TODAY - dt.timedelta(days=1))
    with pytest.raises(K.ContractError, match="结束日期不能早于开始日期"):
        K.check_contract(data, TODAY)


@pytest.mark.parametrize("starts, ends, expected", [
    (TODAY + dt.timedelta(days=1), None, K.NOT_YET),
    (TODAY, None, K.ACTIVE),
    (TODAY - dt.timedelta(days=100), TODAY + dt.timedelta(days=31), K.ACTIVE),
    (TODAY - dt.timedelta(days=100), TODAY + dt.timedelta(days=30), K.ENDING),
    (TODAY - dt.timedelta(days=100), TODAY, K.ENDING),
    (TODAY - dt.timedelta(days=100), TODAY - dt.timedelta(days=1), K.EXPIRED),
])
def test_contract_status(starts, ends, expected):
    assert K.status(starts, ends, TODAY) == expected
