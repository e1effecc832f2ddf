"""Who sees which customers, everywhere the archive is read: lists, search, deep links, the board,
exports, the calendar and the dashboard all ask db/visibility.visible_customers."""
import datetime as dt

import pytest
from sqlalchemy import select

from db.archive_queries import CustomerFilter, get_customer, list_customers
from db.board_queries import load_board
from db.calendar_queries import CalendarFilter, calendar_items
from db.dashboard_customers import headline
from db.engine import session_scope
from db.exports import export_customers
from db.models import ClassScheme, Customer
from domain.dashboard import default_filter
from domain.errors import PermissionDenied
from domain.formatting import local_today
from tests.factories import make_customer, make_team, make_user

TODAY = local_today()


@pytest.fixture
def two_teams(db):
    """李经理 leads 张伟 and 王芳; 赵经理 leads 孙丽. One customer each, and one in the pool (no owner)."""
    with session_scope() as s:
        manager, rep, other = make_team(s)
        boss = make_user(s, "manager", name="赵经理")
        far = make_user(s, "rep", name="孙丽", supervisor=boss)
        newcomer = make_user(s, "rep", name="新人")  # no team, no customers
        ids = {name: make_customer(s, owner, name=name).id
               for name, owner in (("张伟的客户", rep), ("王芳的客户", other), ("孙丽的客户", far))}
        pool = make_customer(s, manager, name="公海客户")
        s.get(Customer, pool.id).owner_id = None
        ids["公海客户"] = pool.id
        return {"李经理": manager, "张伟": rep, "赵经理": boss, "孙丽": far, "新人": newcomer}, ids


def names(s, who, **flt):
    return sorted(c.name for c in list_customers(s, who, CustomerFilter(**flt)).rows)


def test_lists_and_search_show_each_person_their_share(two_teams):
    people, ids = two_teams
    with session_scope() as s:
        assert names(s, people["张伟"]) == ["张伟的客户"]
        assert names(s, people["李经理"]) == ["公海客户", "张伟的客户", "王芳的客户"]
        assert names(s, people["赵经理"]) == ["公海客户", "孙丽的客户"]
        assert names(s, people["新人"]) == []  # deny by default
        assert names(s, people["赵经理"], search="张伟") == []  # search never crosses teams


def test_a_deep_link_to_another_teams_customer_is_refused(two_teams):
    people, ids = two_teams
    with session_scope() as s:
        assert get_customer(s, people["李经理"], ids["王芳的客户"]).name == "王芳的客户"
        for who, whose in (("赵经理", "张伟的客户"), ("张伟", "王芳的客户"), ("张伟", "公海客户"),
                           ("新人", "孙丽的客户")):
            with pytest.raises(PermissionDenied):
                get_customer(s, people[who], ids[whose])


def test_board_export_calendar_and_dashboard_follow_the_same_rule(two_teams):
    people, ids = two_teams
    with session_scope() as s:
        scheme = s.scalar(select(ClassScheme.id).where(ClassScheme.code == "importance"))
        board = load_board(s, people["赵经理"], scheme, CustomerFilter())
        assert sorted(card.name for column in board for card in column.cards) == ["公海客户", "孙丽的客户"]
        _, count = export_customers(s, people["赵经理"], CustomerFilter(), description="测试")
        assert count == 2
        assert headline(s, people["李经理"], default_filter(TODAY), TODAY).active == 3
        assert headline(s, people["新人"], default_filter(TODAY), TODAY).active == 0
        dues = calendar_items(s, people["赵经理"], TODAY - dt.timedelta(days=40), TODAY + dt.timedelta(days=40),
                              CalendarFilter(), TODAY)
        assert all(item.customer_id in (ids["孙丽的客户"], ids["公海客户"]) for item in dues)


def test_customer_service_and_borrowers_everywhere(two_teams):
    """Customer service granted 赵经理's team, and 张伟 borrowing 孙丽的客户: the same share in the list,
    the board, the export and the dashboard; a service user granted nothing sees nothing."""
    from db.access import decide, request_access, set_service_scope

    people, ids = two_teams
    with session_scope() as s:
        admin = make_user(s, "admin")
        service = make_user(s, "service", name="客服")
        idle = make_user(s, "service", name="未授权客服")
        set_service_scope(s, admin, service.id, [people["赵经理"].id])
        grant = request_access(s, people["张伟"], ids["孙丽的客户"], "投诉核查", TODAY + dt.timedelta(days=2))
        decide(s, people["赵经理"], grant.id, True)
    with session_scope() as s:
        scheme = s.scalar(select(ClassScheme.id).where(ClassScheme.code == "importance"))
        for who, expected in ((service, ["孙丽的客户"]), (people["张伟"], ["孙丽的客户", "张伟的客户"]), (idle, [])):
            assert names(s, who) == expected
            board = load_board(s, who, scheme, CustomerFilter())
            assert sorted(card.name for column in board for card in column.cards) == expected
            assert headline(s, who, default_filter(TODAY), TODAY).active == len(expected)
        _, count = export_customers(s, people["张伟"], CustomerFilter(), description="测试")
        assert count == 1  # a borrowed archive is read, never exported
        with pytest.raises(PermissionDenied):
            get_customer(s, idle, ids["孙丽的客户"])
