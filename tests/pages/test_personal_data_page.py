"""The archive's 个人信息与删除 tab and 年度归档's deleted archives, in AppTest."""
from sqlalchemy import select

from db.engine import session_scope
from db.models import Contact, Customer
from domain import roles as R
from tests.pages.apptest import open_archive, open_page


def test_only_the_archivist_and_admin_see_the_tab(people):
    users, customer_id = people
    for role, shown in ((R.ARCHIVIST, True), (R.ADMIN, True), (R.MANAGER, False), (R.REP, False), (R.GM, False)):
        at = open_page("pages/archive.py", users[role], id=str(customer_id))
        assert ("个人信息与删除" in [t.label for t in at.tabs]) is shown, role


def test_the_archivist_anonymises_a_contact_on_request(people):
    users, customer_id = people
    at = open_archive(users[R.ARCHIVIST], customer_id, "个人信息与删除")
    with session_scope() as s:
        contact_id = s.scalar(select(Contact.id).where(Contact.customer_id == customer_id))
    assert at.button(key=f"pd_anon:{contact_id}").disabled  # not before the request is confirmed
    at.button(key=f"pd_export:{contact_id}").click().run()
    assert not at.exception, at.exception
    at.text_input(key=f"pd_anon_reason:{contact_id}").input("本人 12 月 1 日来电要求删除")
    at.checkbox(key=f"pd_anon_sure:{contact_id}").check().run()
    at.button(key=f"pd_anon:{contact_id}").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "联系人已匿名化，记入档案历史"
    with session_scope() as s:
        contact = s.get(Contact, contact_id)
        assert (contact.name, contact.mobile, contact.birthday) == ("已匿名化", None, None)
    assert any("于" in m.value and "匿名化" in m.value for m in at.markdown)


def test_deleting_an_archive_then_restoring_it(people):
    users, customer_id = people
    at = open_archive(users[R.ARCHIVIST], customer_id, "个人信息与删除")
    at.text_input(key="pd_delete_reason").input("重复建档")
    at.checkbox(key="pd_delete_sure").check().run()
    at.button(key="pd_delete").click().run()
    assert not at.exception, at.exception
    with session_scope() as s:
        assert s.get(Customer, customer_id).deleted_at is not None

    at = open_page("pages/archives.py", users[R.MANAGER])
    assert not any("页面测试客户" in str(df.value) for df in at.dataframe)
    at = open_page("pages/archive.py", users[R.MANAGER], id=str(customer_id))
    assert any("已删除" in e.value for e in at.error)

    at = open_page("pages/volumes.py", users[R.ARCHIVIST])
    assert any("页面测试客户" in m.value and "重复建档" in m.value for m in at.markdown)
    at.text_input(key=f"restore_reason:{customer_id}").input("误删")
    at.button(key=f"restore:{customer_id}").click().run()
    assert not at.exception, at.exception
    with session_scope() as s:
        assert s.get(Customer, customer_id).deleted_at is None
