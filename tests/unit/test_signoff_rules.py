from decimal import Decimal

import pytest

from domain import roles as R
from domain.signoff import from_json, needs_signoff, split_sensitive, to_json

OLD = {"name": "客户", "credit_limit": Decimal("10000"), "credit_days": 30, "bank": "工商银行", "account_no": "6222"}


@pytest.mark.parametrize("new, kept_changes, held_fields", [
    ({**OLD, "name": "新名称"}, {"name": "新名称"}, []),
    ({**OLD, "credit_limit": Decimal("50000")}, {}, ["credit_limit"]),
    ({**OLD, "credit_days": 60, "bank": "建设银行", "name": "新名称"}, {"name": "新名称"}, ["credit_days", "bank"]),
    ({"phone": "0755-1"}, {"phone": "0755-1"}, []),   # an import row naming no sensitive field
])
def test_sensitive_changes_are_held_back(new, kept_changes, held_fields):
    kept, held = split_sensitive(OLD, new)
    assert [c["field"] for c in held] == held_fields
    for name in held_fields:
        assert kept[name] == OLD[name]
    assert {k: v for k, v in kept.items() if OLD.get(k) != v} == kept_changes


@pytest.mark.parametrize("role, held", [(R.REP, True), (R.MANAGER, False), (R.ADMIN, False), (R.SERVICE, False)])
def test_only_reps_need_sign_off(role, held):
    assert needs_signoff(type("A", (), {"role": role})) is held


def test_values_survive_json():
    assert from_json("credit_limit", to_json("credit_limit", Decimal("50000.50"))) == Decimal("50000.50")
    assert from_json("credit_days", 45) == 45 and from_json("bank", None) is None
