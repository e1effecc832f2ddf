"""分类看板 and 分类方案 in AppTest: moves with reasons, scheme administration."""
from sqlalchemy import select

from db.engine import session_scope
from db.models import AuditEvent, ClassScheme
from domain import roles as R
from tests.pages.apptest import open_page


def _move_on_board(people, to_code, reason=""):
    """As the manager, choose the test customer on the board's 价值等级 and move it to ``to_code``."""
    users, customer_id = people
    with session_scope() as s:
        scheme = s.scalars(select(ClassScheme).where(ClassScheme.code == "value")).one()
        grades = {v.code: v.id for v in scheme.values}
    at = open_page("pages/board.py", users[R.MANAGER])
    at.selectbox(key="board_scheme").select(scheme.id).run()
    assert [o for o in at.multiselect[0].options if "页面测试客户" in o]  # the card is on the board
    at.multiselect[0].select(customer_id)
    at.selectbox[-1].select(grades[to_code])
    if reason:
        at.text_input[-1].input(reason)
    at.button[-1].click().run()
    assert not at.exception, at.exception
    return at


def test_board_moves_chosen_customers_with_a_reason(people):
    at = _move_on_board(people, "E", reason="长期拖欠")
    assert [s.value for s in at.success] == ["已把 1 位客户移到「E 计划淘汰」"]
    with session_scope() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "class_move")).one()
        assert event.reason == "长期拖欠" and event.changes[0]["new"] == "E 计划淘汰"


def test_board_refuses_a_move_into_a_terminal_class_without_reason(people):
    at = _move_on_board(people, "E")
    assert [e.value for e in at.error] == ["移入「E 计划淘汰」须填写原因（没有任何客户被移动）"]
    with session_scope() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "class_move")).all() == []


def test_admin_renames_and_retires_a_class_on_the_schemes_page(people):
    users, _ = people
    with session_scope() as s:
        scheme = s.scalars(select(ClassScheme).where(ClassScheme.code == "importance")).one()
        key = next(v for v in scheme.values if v.code == "key")
    at = open_page("pages/schemes.py", users[R.ADMIN])
    at.selectbox(key="scheme_admin").select(scheme.id).run()
    at.selectbox(key=f"class_admin_{scheme.id}").select(key.id).run()
    name_box = next(t for t in at.text_input if t.label == "分类名称")
    name_box.input("核心客户")
    next(b for b in at.button if b.label == "保存分类").click().run()
    assert [s.value for s in at.success] == ["已保存分类「核心客户」"]
    at.button(key="class_retire").click().run()
    assert [s.value for s in at.success] == ["已停用「核心客户」"]
    table = at.dataframe[0].value
    assert table.loc[table["名称"] == "核心客户", "状态"].tolist() == ["已停用"]


def test_manager_accepts_a_rule_suggestion_and_sees_it_in_the_movement_view(people):
    users, customer_id = people
    with session_scope() as s:
        scheme = s.scalars(select(ClassScheme).where(ClassScheme.code == "lifecycle")).one()
    at = open_page("pages/board.py", users[R.MANAGER])
    at.selectbox(key="board_scheme").select(scheme.id).run()
    at.segmented_control(key="board_view").set_value("规则建议").run()
    table = at.data_editor[0].value  # the test customer has sales this year: 首次进货 → 新签客户
    assert table[["客户", "当前分类", "建议分类"]].values.tolist() == [["页面测试客户", "未分类", "新签客户"]]
    at.button(key="accept_all").click().run()
    assert [s.value for s in at.success] == ["已接受 1 条建议", "没有新的建议：客户的分类与规则一致。"]
    with session_scope() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "class_move")).one()
        assert event.reason.startswith("规则建议：") and event.changes[0]["new"] == "新签客户"
    at.segmented_control(key="board_view").set_value("分类变动").run()
    assert not at.exception, at.exception
    drill = at.dataframe[-1].value
    assert drill[["客户", "原分类", "新分类"]].values.tolist() == [["页面测试客户", "未分类", "新签客户"]]


def test_rep_has_no_suggestions_view_and_service_cannot_move(people):
    users, _ = people
    service = open_page("pages/board.py", users[R.SERVICE])
    assert service.segmented_control(key="board_view").options == ["看板", "分类变动"]
    rep = open_page("pages/board.py", users[R.REP])
    assert "规则建议" in rep.segmented_control(key="board_view").options
