"""借阅 and customer service's scope: who sees an archive they do not own, until when, on whose word."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from db import visibility
from db.access import ALL, decide, find_customer, give_back, my_requests, request_access, set_service_scope, to_decide
from db.archive_queries import CustomerFilter, get_customer, list_customers
from db.archives import archive_input_from, update_customer
from db.audit import list_history
from db.engine import session_scope
from db.models import Customer
from domain.access import AccessError
from domain.errors import PermissionDenied
from domain.formatting import local_today
from tests.factories import make_customer, make_team, make_user

TODAY = local_today()


@pytest.fixture
def teams(db):
    """Team A: 李经理 with 张伟 and 王芳; team B: 赵经理 with 孙丽, who owns 孙丽的客户."""
    with session_scope() as s:
        manager, rep, other = make_team(s)
        manager_b = make_user(s, "manager", name="赵经理")
        rep_b = make_user(s, "rep", name="孙丽", supervisor=manager_b)
        customer_id = make_customer(s, rep_b, name="孙丽的客户").id
        return manager, rep, other, manager_b, rep_b, customer_id


def _sees(actor, customer_id, day=None) -> bool:
    with session_scope() as s:
        return s.scalar(select(func.count(Customer.id)).where(
            Customer.id == customer_id, visibility.visible_customers(actor, day))) == 1


def test_a_loan_opens_the_archive_until_its_return_date(teams):
    manager, rep, _, manager_b, _, customer_id = teams
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            get_customer(s, rep, customer_id)
    with session_scope() as s:
        grant_id = request_access(s, rep, find_customer(s, "孙丽的客户").id, "客户来电投诉，需要查看往来",
                                  TODAY + dt.timedelta(days=3)).id
    assert not _sees(rep, customer_id)  # pending opens nothing
    with session_scope() as s:
        assert [g.id for g in to_decide(s, manager_b)] == [grant_id]
        assert to_decide(s, manager) == []  # another team's manager does not decide
        with pytest.raises(PermissionDenied):
            decide(s, manager, grant_id, True)
    with session_scope() as s:
        decide(s, manager_b, grant_id, True, "同意")
    with session_scope() as s:
        assert get_customer(s, rep, customer_id).name == "孙丽的客户"
        assert [c.id for c in list_customers(s, rep, CustomerFilter()).rows] == [customer_id]
        assert my_requests(s, rep)[0].state == "借阅中"
        actions = [e.action for e in list_history(s, entity="customer", entity_id=customer_id)][:2]
        assert actions == ["access_approve", "access_request"]
    assert _sees(rep, customer_id, TODAY + dt.timedelta(days=3))       # the return date itself
    assert not _sees(rep, customer_id, TODAY + dt.timedelta(days=4))   # then it ends by itself
    with session_scope() as s:
        assert my_requests(s, rep, TODAY + dt.timedelta(days=4))[0].state == "已到期"


def test_a_borrowed_archive_is_read_only_and_can_be_returned(teams):
    _, rep, _, manager_b, _, customer_id = teams
    with session_scope() as s:
        grant_id = request_access(s, rep, customer_id, "查看合同", TODAY + dt.timedelta(days=1)).id
        decide(s, manager_b, grant_id, True)
    with pytest.raises(PermissionDenied, match="无权修改"):
        with session_scope() as s:
            customer = get_customer(s, rep, customer_id)
            update_customer(s, rep, customer_id, archive_input_from(customer), reason="借阅时改动",
                            expected_version=customer.version)
    with session_scope() as s:
        give_back(s, rep, grant_id)
    assert not _sees(rep, customer_id)


@pytest.mark.parametrize("reason, days, message", [
    ("", 3, "请填写借阅原因"),
    ("查看", -1, "归还日期不能早于今天"),
    ("查看", 91, "借阅最长 90 天"),
])
def test_bad_requests_are_refused(teams, reason, days, message):
    _, rep, *_rest, customer_id = teams
    with pytest.raises(AccessError, match=message):
        with session_scope() as s:
            request_access(s, rep, customer_id, reason, TODAY + dt.timedelta(days=days))
    with session_scope() as s:
        assert my_requests(s, rep) == []


def test_nobody_approves_their_own_request_and_refusals_need_a_reason(teams):
    manager, _, _, manager_b, rep_b, _ = teams
    with session_scope() as s:
        theirs = make_customer(s, make_user(s, "rep", supervisor=manager), name="李经理团队的客户").id
        grant_id = request_access(s, manager_b, theirs, "核对重复档案", TODAY).id
    with pytest.raises(PermissionDenied, match="不能审批自己的"):
        with session_scope() as s:
            decide(s, manager_b, grant_id, True)
    with pytest.raises(AccessError, match="拒绝时请写明原因"):
        with session_scope() as s:
            decide(s, manager, grant_id, False)
    with session_scope() as s:
        decide(s, manager, grant_id, False, "与你方无关")
        assert my_requests(s, manager_b)[0].state == "已拒绝"
    assert not _sees(manager_b, theirs)


def test_asking_for_what_one_already_sees_or_twice(teams):
    _, rep, _, _, rep_b, customer_id = teams
    with pytest.raises(AccessError, match="无需借阅"):
        with session_scope() as s:
            request_access(s, rep_b, customer_id, "看看", TODAY)
    with session_scope() as s:
        request_access(s, rep, customer_id, "看看", TODAY)
    with pytest.raises(AccessError, match="还在等待审批"):
        with session_scope() as s:
            request_access(s, rep, customer_id, "再看看", TODAY)


def test_customer_service_sees_what_the_admin_grants(teams):
    manager, rep, _, manager_b, _, customer_id = teams
    with session_scope() as s:
        admin = make_user(s, "admin")
        service = make_user(s, "service", name="客服小陈")
        team_a = make_customer(s, rep, name="张伟的客户").id
    assert not _sees(service, team_a) and not _sees(service, customer_id)  # deny by default
    with session_scope() as s:
        set_service_scope(s, admin, service.id, [manager.id])
    assert _sees(service, team_a) and not _sees(service, customer_id)
    with session_scope() as s:
        set_service_scope(s, admin, service.id, [ALL])
        assert list_history(s, entity="user", entity_id=service.id)[0].changes[0]["new"] == "全部客户"
    assert _sees(service, team_a) and _sees(service, customer_id)
    with pytest.raises(PermissionDenied):
        with session_scope() as s:
            set_service_scope(s, manager, service.id, [])


def test_a_new_user_with_no_team_sees_nothing(teams):
    with session_scope() as s:
        newcomer = make_user(s, "rep")
        assert list_customers(s, newcomer, CustomerFilter(status="all")).total == 0
