"""提前收回 (issue 21 item 3): whoever may approve a loan may end it early, with a reason kept in the
archive's history like an approval; the borrower sees it; a rep, or another team's manager, may not."""
import datetime as dt

import pytest

from db.access import decide, lent_out, my_requests, recall, request_access, waiting_count
from db.archive_queries import get_customer
from db.audit import list_history
from db.engine import session_scope
from domain.access import AccessError
from domain.errors import PermissionDenied
from domain.formatting import local_today
from tests.factories import make_customer, make_team, make_user

TODAY = local_today()


@pytest.fixture
def loan(db):
    """孙丽 (team B, 赵经理) owns the archive; 张伟 (team A, 李经理) borrows it until in five days."""
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        manager_b = make_user(s, "manager", name="赵经理")
        rep_b = make_user(s, "rep", name="孙丽", supervisor=manager_b)
        customer_id = make_customer(s, rep_b, name="孙丽的客户").id
        grant_id = request_access(s, rep, customer_id, "客户来电投诉，需要查看往来", TODAY + dt.timedelta(days=5)).id
    return manager, rep, manager_b, rep_b, customer_id, grant_id


def test_waiting_requests_are_counted_for_whoever_decides_them(loan):
    manager, rep, manager_b, rep_b, _, grant_id = loan
    with session_scope() as s:
        gm = make_user(s, "gm")
        assert [waiting_count(s, u) for u in (manager_b, gm, manager, rep, rep_b)] == [1, 1, 0, 0, 0]
        decide(s, manager_b, grant_id, True)
    with session_scope() as s:
        assert waiting_count(s, manager_b) == 0


def test_the_approver_recalls_a_loan_early_with_a_reason(loan):
    manager, rep, manager_b, rep_b, customer_id, grant_id = loan
    with session_scope() as s:
        decide(s, manager_b, grant_id, True, "同意")
    with session_scope() as s:
        assert [r.id for r in lent_out(s, manager_b)] == [grant_id]
        assert lent_out(s, manager) == [] and lent_out(s, rep_b) == []
    for who in (rep_b, manager, rep):  # the owner, another team's manager, the borrower
        with pytest.raises(PermissionDenied), session_scope() as s:
            recall(s, who, grant_id, "不需要了")
    with pytest.raises(AccessError, match="请写明原因"), session_scope() as s:
        recall(s, manager_b, grant_id, "  ")
    with session_scope() as s:
        recall(s, manager_b, grant_id, "投诉已处理完毕")
    with pytest.raises(PermissionDenied), session_scope() as s:
        get_customer(s, rep, customer_id)  # the archive is closed to the borrower at once
    with session_scope() as s:
        row = my_requests(s, rep)[0]
        assert (row.state, row.comment, row.open) == ("已收回", "同意；提前收回：投诉已处理完毕", False)
        event = list_history(s, entity="customer", entity_id=customer_id)[0]
        assert (event.action, event.actor_id, event.reason) == ("access_recall", manager_b.id, "投诉已处理完毕")
        assert event.changes == [{"field": "access", "label": "借阅",
                                  "old": f"张伟 借阅中（至 {TODAY + dt.timedelta(days=5)}）",
                                  "new": "提前收回"}]
        assert lent_out(s, manager_b) == []
    with pytest.raises(AccessError, match="已是「已收回」"), session_scope() as s:
        recall(s, manager_b, grant_id, "再收一次")


def test_only_a_running_loan_is_recalled(loan):
    _, _, manager_b, _, customer_id, grant_id = loan
    with pytest.raises(AccessError, match="已是「待审批」"), session_scope() as s:
        recall(s, manager_b, grant_id, "还没批")
    with session_scope() as s:
        decide(s, manager_b, grant_id, True)
    with pytest.raises(AccessError, match="已是「已到期」"), session_scope() as s:
        recall(s, manager_b, grant_id, "过期了", today=TODAY + dt.timedelta(days=6))
    with session_scope() as s:
        assert [e.action for e in list_history(s, entity="customer", entity_id=customer_id)][0] == "access_approve"
