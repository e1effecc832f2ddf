"""Sign-off in AppTest: a rep raises 信用额度, the archive shows it waiting, the manager approves it."""
from decimal import Decimal

from db.engine import session_scope
from db.models import Customer
from domain import roles as R
from tests.pages.apptest import open_archive, open_page


def test_a_reps_credit_change_waits_for_the_manager(people):
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "编辑")
    at.text_input(key=f"edit:{customer_id}:credit_limit").input("50000")
    at.text_input(key=f"edit:{customer_id}:reason").input("客户扩大进货")
    at.button(key=f"edit:{customer_id}:save").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "修改已保存，并记入历史；信用额度、账期和银行信息的修改需上级审批后生效"
    assert "信用额度：（空） → 50000" in " ".join(m.value for m in at.markdown)
    with session_scope() as s:
        assert s.get(Customer, customer_id).credit_limit is None

    at = open_page("pages/review.py", users[R.MANAGER])
    assert at.subheader[0].value == "待审批的敏感修改（1）"
    at.button(key=next(b.key for b in at.button
                       if (b.key or "").startswith("signoff:") and b.key.endswith(":yes"))).click().run()
    assert at.success[0].value == "已同意，修改已生效"
    with session_scope() as s:
        assert s.get(Customer, customer_id).credit_limit == Decimal("50000")
