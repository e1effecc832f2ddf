"""分类方案 administration: edits are recorded, retiring keeps customers, only admins may change schemes."""
import pytest
from sqlalchemy import select

from db import schemes as scheme_db
from db.archive_queries import CustomerFilter, active_schemes
from db.audit import list_history
from db.board_queries import load_board
from db.classification import move_class
from db.engine import session_scope
from db.models import ClassScheme, ClassValue
from domain import roles as R
from domain.classification import MoveRefused
from domain.errors import PermissionDenied, UserFacingError
from tests.factories import make_customer, make_user


@pytest.fixture
def setup(db):
    with session_scope() as s:
        admin = make_user(s, R.ADMIN)
        manager = make_user(s, R.MANAGER)
        scheme = s.scalars(select(ClassScheme).where(ClassScheme.code == "importance")).one()
        ids = {v.code: v.id for v in scheme.values}
        customer = make_customer(s, manager, classes={scheme.id: ids["normal"]})
    return admin, manager, scheme.id, ids, customer.id


def names(scheme_id):
    with session_scope() as s:
        return [(v.name, v.is_retired) for v in s.scalars(
            select(ClassValue).where(ClassValue.scheme_id == scheme_id).order_by(ClassValue.sort_order))]


def test_rename_reorder_add_and_record_them(setup):
    admin, _, scheme_id, ids, _ = setup
    with session_scope() as s:
        scheme_db.save_class(s, admin, scheme_id, ids["key"], scheme_db.ClassEdit("核心客户", "贡献最大", "#D62728"))
        scheme_db.move_in_order(s, admin, ids["potential"], -1)
        scheme_db.save_class(s, admin, scheme_id, None,
                             scheme_db.ClassEdit("休眠客户", "", "#888888", needs_reason=True))
    assert names(scheme_id) == [("核心客户", False), ("潜在客户", False), ("普通客户", False), ("休眠客户", False)]
    with session_scope() as s:
        history = list_history(s, entity="scheme", entity_id=scheme_id)
        assert [e.action for e in history] == ["scheme_edit"] * 3
        assert {(c["label"], c["old"], c["new"]) for c in history[-1].changes} >= {
            ("核心客户·名称", "重点客户", "核心客户")}
        assert history[-1].actor_id == admin.id


def test_retired_class_keeps_its_customers_but_cannot_be_chosen(setup):
    admin, manager, scheme_id, ids, customer_id = setup
    with session_scope() as s:
        scheme_db.set_retired(s, admin, ids["normal"], True)
    assert ("普通客户", True) in names(scheme_id)
    with session_scope() as s:
        columns = load_board(s, manager, scheme_id, CustomerFilter())
        normal = next(c for c in columns if c.value_id == ids["normal"])
        assert [card.id for card in normal.cards] == [customer_id]  # still shown while a customer holds it
    with pytest.raises(UserFacingError, match="目标分类不存在或已停用"):
        with session_scope() as s:
            move_class(s, manager, customer_id, scheme_id, ids["normal"], reason="", expected_value_id=ids["key"])


def test_needs_reason_flag_makes_moves_into_the_class_ask_why(setup):
    admin, manager, scheme_id, ids, customer_id = setup
    with session_scope() as s:
        scheme_db.save_class(s, admin, scheme_id, ids["key"], scheme_db.ClassEdit("重点客户", "", "#d62728",
                                                                                  needs_reason=True))
    with pytest.raises(MoveRefused, match="移入「重点客户」须填写原因"):
        with session_scope() as s:
            move_class(s, manager, customer_id, scheme_id, ids["key"], reason="", expected_value_id=ids["normal"])


def test_deactivated_scheme_leaves_the_board_and_form(setup):
    admin, _, scheme_id, _, _ = setup
    with session_scope() as s:
        scheme = s.get(ClassScheme, scheme_id)
        scheme_db.update_scheme(s, admin, scheme_id, name=scheme.name, is_active=False, is_ranked=True)
    with session_scope() as s:
        assert scheme_id not in [x.id for x in active_schemes(s)]


def test_only_admins_change_schemes_and_last_class_cannot_retire(setup):
    admin, manager, scheme_id, ids, _ = setup
    with pytest.raises(PermissionDenied, match="只有系统管理员可以修改分类方案"):
        with session_scope() as s:
            scheme_db.set_retired(s, manager, ids["key"], True)
    with session_scope() as s:
        new = scheme_db.add_scheme(s, admin, "合作深度", is_ranked=True)
        only = scheme_db.save_class(s, admin, new.id, None, scheme_db.ClassEdit("深度合作"))
    with pytest.raises(UserFacingError, match="至少要保留一个在用的分类"):
        with session_scope() as s:
            scheme_db.set_retired(s, admin, only.id, True)
    with pytest.raises(UserFacingError, match="已有名为「重要性」的分类方案"):
        with session_scope() as s:
            scheme_db.add_scheme(s, admin, "重要性", is_ranked=False)
