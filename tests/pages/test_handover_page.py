"""离职交接 in AppTest: the manager hands a leaving rep's customers to a colleague in one step."""

from db.engine import session_scope
from db.models import Customer, User
from domain import roles as R
from tests.factories import make_customer, make_user
from tests.pages.apptest import open_page, shown


def test_the_manager_hands_over_a_leaving_rep(people):
    users, customer_id = people
    with session_scope() as s:
        colleague = make_user(s, R.REP, name="接手的同事", supervisor=users[R.MANAGER])
        second = make_customer(s, users[R.REP], name="第二位客户").id
    at = open_page("pages/handover.py", users[R.MANAGER])
    at.selectbox(key="handover_user").select(users[R.REP].id).run()
    assert [m.value for m in at.metric if m.label == "负责的客户"] == ["2"]
    at.selectbox(key=f"handover_default:{users[R.REP].id}").select(colleague.id).run()
    at.button(key="handover_go").click().run()
    assert shown(at.error) == ["请填写交接原因（如：张伟 2026-12 离职）"]  # nothing moved yet
    at.text_input(key="handover_reason").input("离职").run()
    at.button(key="handover_go").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("交接完成：2 位客户转给同事，0 位转入公海")
    with session_scope() as s:
        assert {s.get(Customer, i).owner_id for i in (customer_id, second)} == {colleague.id}
        assert s.get(User, users[R.REP].id).is_active is False


def test_nobody_is_preselected_to_leave(people):
    """Issue 17 item 6: the page chooses no one; until the manager does, there is nothing to confirm."""
    users, _ = people
    at = open_page("pages/handover.py", users[R.MANAGER])
    assert not at.exception, at.exception
    assert at.selectbox(key="handover_user").value is None
    assert not at.metric and not [b for b in at.button if b.key == "handover_go"]
    assert "请先选择离职人员" in " ".join(i.value for i in at.info)
    at.selectbox(key="handover_user").select(users[R.REP].id).run()
    assert [m.value for m in at.metric if m.label == "负责的客户"] == ["1"]
    assert [b.key for b in at.button if b.key == "handover_go"] == ["handover_go"]
    with session_scope() as s:
        assert s.get(User, users[R.REP].id).is_active is True
