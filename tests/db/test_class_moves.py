"""Moving customers between classes: permission, reasons, stale views, history and the movement log."""
import pytest
from sqlalchemy import select

from db.archive_queries import CustomerFilter, get_customer
from db.archives import archive_input_from, set_customer_active, update_customer
from db.audit import list_history
from db.board_queries import load_board
from db.classification import move_class, move_many
from db.engine import session_scope
from db.import_records import undo_import
from db.imports import ImportOptions, run_import
from db.models import ClassMovement, ClassScheme, ClassValue, Customer
from domain.classification import MoveRefused
from domain.errors import ConflictError, PermissionDenied
from tests.factories import make_customer, make_team


@pytest.fixture
def board(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
        scheme = s.scalars(select(ClassScheme).where(ClassScheme.code == "value")).one()
        grades = {v.code: v.id for v in s.scalars(select(ClassValue).where(ClassValue.scheme_id == scheme.id))}
        customer = make_customer(s, rep, name="好运来", classes={scheme.id: grades["B"]})
    return manager, rep, other, scheme.id, grades, customer.id


def move(actor, customer_id, scheme_id, to, *, reason="", expected):
    with session_scope() as s:
        move_class(s, actor, customer_id, scheme_id, to, reason=reason, expected_value_id=expected)


def test_upgrade_without_reason_is_recorded_in_history_and_log(board):
    manager, rep, _, scheme_id, grades, customer_id = board
    move(rep, customer_id, scheme_id, grades["A"], expected=grades["B"])
    with session_scope() as s:
        customer = get_customer(s, rep, customer_id)
        assert [c.value.name for c in customer.classes] == ["A 战略合作"]
        event = list_history(s, entity="customer", entity_id=customer_id)[0]
        assert event.action == "class_move" and event.actor_id == rep.id
        assert event.changes == [{"field": "分类·价值等级", "label": "分类·价值等级", "old": "B 优质",
                                  "new": "A 战略合作"}]
        log = s.scalars(select(ClassMovement)).one()
        assert (log.from_value_id, log.to_value_id, log.actor_id, log.reason) == (
            grades["B"], grades["A"], rep.id, None)


def test_downgrade_and_terminal_moves_need_a_reason(board):
    manager, rep, _, scheme_id, grades, customer_id = board
    with pytest.raises(MoveRefused, match="从「B 优质」降到「C 培养型」须填写原因"):
        move(rep, customer_id, scheme_id, grades["C"], expected=grades["B"])
    with pytest.raises(MoveRefused, match="移入「E 计划淘汰」须填写原因"):
        move(manager, customer_id, scheme_id, grades["E"], expected=grades["B"])
    move(manager, customer_id, scheme_id, grades["E"], reason="长期拖欠货款", expected=grades["B"])
    with session_scope() as s:
        assert s.scalars(select(ClassMovement.reason)).all() == ["长期拖欠货款"]
        assert list_history(s, entity="customer", entity_id=customer_id)[0].reason == "长期拖欠货款"


def test_rep_cannot_move_someone_elses_customer(board):
    manager, rep, other, scheme_id, grades, customer_id = board
    with pytest.raises(PermissionDenied):
        move(other, customer_id, scheme_id, grades["A"], expected=grades["B"])
    with session_scope() as s:
        assert s.scalars(select(ClassMovement)).all() == []


def test_a_move_based_on_a_stale_board_is_refused(board):
    manager, rep, _, scheme_id, grades, customer_id = board
    move(manager, customer_id, scheme_id, grades["A"], expected=grades["B"])
    with pytest.raises(ConflictError, match="李经理刚刚已把这位客户移到「A 战略合作」"):
        move(rep, customer_id, scheme_id, grades["C"], reason="降级", expected=grades["B"])
    with session_scope() as s:
        assert len(s.scalars(select(ClassMovement)).all()) == 1


def test_deactivated_customer_cannot_be_moved(board):
    manager, rep, _, scheme_id, grades, customer_id = board
    with session_scope() as s:
        set_customer_active(s, manager, customer_id, False, "客户已倒闭")
    with pytest.raises(ConflictError, match="已被停用"):
        move(manager, customer_id, scheme_id, grades["A"], expected=grades["B"])


def test_a_move_makes_an_open_edit_of_the_archive_stale(board):
    manager, rep, _, scheme_id, grades, customer_id = board
    with session_scope() as s:
        version = s.get(Customer, customer_id).version
    move(manager, customer_id, scheme_id, grades["A"], expected=grades["B"])
    with session_scope() as s:
        assert s.get(Customer, customer_id).version == version + 1


@pytest.mark.parametrize("ranked_up_to", [20_000, 0], ids=["one window query", "a query per column"])
def test_board_counts_every_column_and_loads_only_the_first_cards(board, monkeypatch, ranked_up_to):
    monkeypatch.setattr("db.board_queries.RANKED_UP_TO", ranked_up_to)
    manager, rep, other, scheme_id, grades, customer_id = board
    with session_scope() as s:
        for i in range(3):
            make_customer(s, other, name=f"王芳客户{i}", classes={scheme_id: grades["A"]})
        make_customer(s, rep, name="未分类客户")
    with session_scope() as s:
        columns = load_board(s, manager, scheme_id, CustomerFilter(), per_column=2)
        by_name = {c.name: c for c in columns}
        assert [c.name for c in columns][-1] == "未分类"
        assert by_name["A 战略合作"].count == 3  # newest first
        assert [c.name for c in by_name["A 战略合作"].cards] == ["王芳客户2", "王芳客户1"]
        assert (by_name["B 优质"].count, [c.name for c in by_name["B 优质"].cards]) == (1, ["好运来"])
        assert (by_name["未分类"].count, [c.owner for c in by_name["未分类"].cards]) == (1, ["张伟"])
        mine = {c.name: c.count for c in load_board(s, rep, scheme_id, CustomerFilter())}
        assert (mine["A 战略合作"], mine["B 优质"], mine["未分类"]) == (0, 1, 1)  # a rep sees own customers only
        found = {c.name: c.count for c in load_board(s, manager, scheme_id, CustomerFilter(search="王芳客户1"))}
        assert found["A 战略合作"] == 1 and sum(found.values()) == 1


def test_bulk_move_is_all_or_nothing(board):
    manager, rep, other, scheme_id, grades, customer_id = board
    with session_scope() as s:
        second = make_customer(s, other, name="第二位", classes={scheme_id: grades["C"]}).id
    with pytest.raises(PermissionDenied), session_scope() as s:  # the rep may move only the first one
        move_many(s, rep, scheme_id, grades["A"], {customer_id: grades["B"], second: grades["C"]}, reason="")
    with session_scope() as s:
        assert s.scalars(select(ClassMovement)).all() == []
        assert move_many(s, manager, scheme_id, grades["A"], {customer_id: grades["B"], second: grades["C"]},
                         reason="") == 2
    with session_scope() as s:
        assert len(s.scalars(select(ClassMovement)).all()) == 2


def _log(s):
    names = dict(s.execute(select(ClassValue.id, ClassValue.name)).all())
    return [(names.get(m.from_value_id), names.get(m.to_value_id), m.reason)
            for m in s.scalars(select(ClassMovement).order_by(ClassMovement.id))]


def test_class_changes_from_the_form_and_imports_land_in_the_movement_log(board):
    manager, rep, _, scheme_id, grades, customer_id = board
    with session_scope() as s:
        customer = get_customer(s, rep, customer_id)
        data = archive_input_from(customer)
        data.classes = {scheme_id: grades["C"]}
        update_customer(s, rep, customer_id, data, reason="年销量下滑", expected_version=customer.version)
    header = ["客户名称", "客户类型", "省份", "客户等级"]
    with session_scope() as s:
        plan = run_import(s, manager, [header, ["好运来", "经销商/批发", "广东", "A"]], file_name="等级.xlsx",
                          options=ImportOptions(on_duplicate="update"))
        assert plan.count("update") == 1
    with session_scope() as s:
        undo_import(s, manager, plan.import_id, "等级表有误")
    with session_scope() as s:
        assert _log(s) == [("B 优质", "C 培养型", "年销量下滑"),
                           ("C 培养型", "A 战略合作", f"由导入「等级.xlsx」更新（导入 #{plan.import_id}）"),
                           ("A 战略合作", "C 培养型", f"撤销导入 #{plan.import_id}：等级表有误")]
