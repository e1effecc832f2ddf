"""When a class move needs a reason, and who may move whom."""
import pytest

from domain import permissions
from domain import roles as R
from domain.classification import ClassRef, MoveRefused, check_move, is_downgrade, reason_required

A, B, C = ClassRef(1, "A 战略合作", 0), ClassRef(2, "B 优质", 1), ClassRef(3, "C 培养型", 2)
E = ClassRef(5, "E 计划淘汰", 4, terminal=True)
NEW, LONG, LOST = ClassRef(11, "新签客户", 1), ClassRef(12, "长期客户", 2), ClassRef(13, "流失客户", 3, terminal=True)


@pytest.mark.parametrize("ranked, old, new, downgrade, needs_reason", [
    (True, A, B, True, True),          # down the list
    (True, C, A, False, False),        # up the list
    (True, None, C, False, False),     # first class
    (True, B, E, True, True),
    (True, None, E, False, True),      # terminal even as a first class
    (True, NEW, LONG, True, True),     # order is the scheme's order; an admin decides it
    (True, LONG, LOST, True, True),
    (False, A, C, False, False),       # an unranked scheme (分销类型): no downgrades
    (False, A, E, False, True),
])
def test_reason_rules(ranked, old, new, downgrade, needs_reason):
    assert is_downgrade(ranked, old, new) is downgrade
    assert reason_required(ranked, old, new) is needs_reason


@pytest.mark.parametrize("old, new, reason, message", [
    (A, B, "", "从「A 战略合作」降到「B 优质」须填写原因"),
    (B, E, "  ", "移入「E 计划淘汰」须填写原因"),
    (B, B, "任意", "客户已经在「B 优质」中"),
])
def test_refused_moves_say_why_in_chinese(old, new, reason, message):
    with pytest.raises(MoveRefused, match=message):
        check_move(True, old, new, reason)


@pytest.mark.parametrize("old, new, reason", [(B, A, ""), (A, B, "回款变慢"), (None, B, "")])
def test_allowed_moves(old, new, reason):
    check_move(True, old, new, reason)


class Who:
    def __init__(self, id, role):
        self.id, self.role, self.supervisor_id = id, role, None


class Customer:
    def __init__(self, owner_id):
        self.owner_id, self.created_by_id = owner_id, owner_id
        self.owner_supervisor_id = 7  # the owner is in user 7's team (the manager case below)


@pytest.mark.parametrize("role, own, allowed", [
    (R.REP, True, True), (R.REP, False, False), (R.MANAGER, False, True), (R.GM, False, True),
    (R.ADMIN, False, True), (R.ARCHIVIST, False, True), (R.SERVICE, True, False), (R.SERVICE, False, False),
])
def test_who_may_move(role, own, allowed):
    assert permissions.can_move_class(Who(7, role), Customer(7 if own else 8)) is allowed


@pytest.mark.parametrize("role, offered", [(R.REP, True), (R.MANAGER, True), (R.SERVICE, False), (R.GM, True)])
def test_move_form_is_offered_to_those_who_may_move(role, offered):
    assert permissions.may_move_classes(Who(1, role)) is offered
