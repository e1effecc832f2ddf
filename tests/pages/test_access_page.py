"""借阅 in AppTest: a rep asks for a colleague's archive from the refusal, the manager approves, the rep reads."""
from db.engine import session_scope
from db.read_log import search
from db.users import set_user_active
from domain import roles as R
from domain.formatting import local_today
from tests.factories import make_customer, make_user
from tests.pages.apptest import open_page


def approve_buttons(at) -> list[str]:
    return [b.key for b in at.button if (b.key or "").startswith("access:") and b.key.endswith(":yes")]


def test_borrow_from_request_to_reading(people):
    users, _ = people
    with session_scope() as s:
        other_manager = make_user(s, R.MANAGER, name="赵经理")
        borrower = make_user(s, R.REP, name="孙丽", supervisor=other_manager)
        wanted = make_customer(s, users[R.REP], name="被借阅的客户")
    at = open_page("pages/archive.py", borrower, id=str(wanted.id))
    assert at.error[0].value.startswith("您无权查看这份档案")

    at = open_page("pages/access.py", borrower, customer=str(wanted.id))
    assert at.text_input[0].value == ""  # the refusal's link names the archive without showing its number
    assert wanted.archive_no not in " ".join(str(e.value) for e in (*at.info, *at.markdown, *at.caption))
    at.text_area[0].input("客户来电投诉，需要查看往来记录")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "借阅申请已提交，等待负责人的上级审批"
    assert at.dataframe[0].value["状态"].tolist() == ["待审批"]

    at = open_page("pages/access.py", other_manager)
    assert not approve_buttons(at)  # not their team's archive
    at = open_page("pages/access.py", users[R.MANAGER])
    at.button(key=approve_buttons(at)[0]).click().run()
    assert at.success[0].value == "已同意 孙丽 借阅"

    at = open_page("pages/archive.py", borrower, id=str(wanted.id))
    assert not at.error and at.title[0].value == "被借阅的客户"
    assert "编辑" not in [t.label for t in at.tabs]  # read only


def test_the_admin_sets_what_customer_service_sees(people):
    users, customer_id = people
    with session_scope() as s:
        service = make_user(s, R.SERVICE, name="新客服")
    at = open_page("pages/archive.py", service, id=str(customer_id))
    assert at.error[0].value.startswith("您无权查看这份档案")  # deny by default
    at = open_page("pages/users.py", users[R.ADMIN])
    at.selectbox(key="edit_user").select(service.id).run()
    at.multiselect[0].select(users[R.MANAGER].id)
    at.button(key=next(b.key for b in at.button if "保存查看范围" in b.label)).click().run()
    assert at.success[0].value == "已保存 新客服 的查看范围"
    at = open_page("pages/archive.py", service, id=str(customer_id))
    assert not at.error and at.title[0].value == "页面测试客户"


def test_masked_roles_see_partial_numbers_and_cannot_edit(people):
    users, customer_id = people
    at = open_page("pages/users.py", users[R.ADMIN])
    masks = next(m for m in at.multiselect if m.label == "隐藏电话和银行账号的角色")
    masks.select(R.SERVICE)
    at.button(key=next(b.key for b in at.button if b.label == "保存" and "mask" in (b.key or ""))).click().run()
    assert at.success[0].value.startswith("已保存")
    at = open_page("pages/archive.py", users[R.SERVICE], id=str(customer_id))
    shown = " ".join(str(m.value) for m in at.markdown)
    assert "138****8000" in shown and "13800138000" not in shown
    assert "编辑" not in [t.label for t in at.tabs]
    at = open_page("pages/archive.py", users[R.MANAGER], id=str(customer_id))  # other roles unchanged
    assert "13800138000" in " ".join(str(m.value) for m in at.markdown)


def test_a_disabled_users_open_session_ends_on_the_next_action_and_is_logged(people):
    users, customer_id = people
    at = open_page("pages/archive.py", users[R.REP], id=str(customer_id))
    assert at.title[0].value == "页面测试客户"
    with session_scope() as s:
        set_user_active(s, actor_id=users[R.ADMIN].id, user_id=users[R.REP].id, active=False)
    at.run()  # the rep clicks something in the browser they left open
    assert [t.label for t in at.text_input][:2] == ["用户名", "密码"]
    assert "页面测试客户" not in " ".join(t.value for t in at.title)
    with session_scope() as s:
        rows = search(s, users[R.MANAGER], start=local_today(), end=local_today())
    refusals = [r.customer for r in rows if r.what == "被拒绝"]
    assert len(refusals) == 1 and refusals[0].startswith("已停用的用户使用旧的登录继续操作")


def test_a_request_submitted_twice_is_filed_once(people, monkeypatch):
    """The 提交申请 button clicked twice (the second click arriving before the form was cleared):
    one request and its success message, no red refusal of a 'second' request."""
    from components import forms
    from db.models_access import AccessGrant

    users, _ = people
    with session_scope() as s:
        borrower = make_user(s, R.REP, name="孙丽", supervisor=users[R.MANAGER])
        wanted = make_customer(s, users[R.REP], name="被借阅两次的客户")
    at = open_page("pages/access.py", borrower)
    at.text_input[0].input(wanted.archive_no)
    at.text_area[0].input("客户来电投诉，需要查看往来记录")
    monkeypatch.setattr(forms, "clear", lambda key: None)  # the first run stopped right after its commit
    at.button[0].click().run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    with session_scope() as s:
        assert s.query(AccessGrant).filter_by(customer_id=wanted.id).count() == 1
