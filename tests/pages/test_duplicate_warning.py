"""The possible-duplicate warning on 档案录入 says, for each archive found, which of 名称 / 电话 / 税号
matched (issue 17 item 6); of a colleague's archive it says only that, and whom to ask — no number,
name, phone or owner (issue 20 item 4)."""
import re

import pytest

from db.engine import session_scope
from db.models import Customer
from domain import roles as R
from tests.factories import make_user
from tests.pages.apptest import open_page, shown


def _file(at, name: str, phone: str):
    at.text_input(key="new:name").input(name)
    at.text_input(key="new:phone").input(phone)
    at.selectbox(key="new:customer_type").select("餐饮终端")
    at.selectbox(key="new:province").select("广东")
    return at.button(key="new:save").click().run()


def _page_links(at) -> list[str]:
    """The links' labels as the reader sees them (user text is escaped for Markdown)."""
    return [re.sub(r"\\(.)", r"\1", e.proto.label) for e in at.get("page_link")]


@pytest.mark.parametrize("name, phone, same", [
    ("页面测试客户", "13800138000", "名称、电话相同"),   # the name, and a contact's mobile
    ("另一家酒楼", "13800138000", "电话相同"),
    ("页面测试客户", "13912345678", "名称相同"),
])
def test_a_colleagues_duplicate_says_what_matched(people, name, phone, same):
    users, customer_id = people
    with session_scope() as s:
        stranger = make_user(s, R.REP)
        number = s.get(Customer, customer_id).archive_no
    at = _file(open_page("pages/new.py", stranger), name, phone)
    assert not at.exception, at.exception
    boss = users[R.MANAGER].name
    assert [m for m in shown(at.markdown) if "相同的档案" in m] == [
        f"- 已有一份{same}的档案，不归您负责，您无权查看。如需查看，请联系负责人的上级 {boss}，或申请借阅"]
    told = " ".join(shown(at.markdown) + _page_links(at))
    assert number not in told and users[R.REP].name not in told and "13800138000" not in told
    if name != "页面测试客户":
        assert "页面测试客户" not in told
    assert "申请借阅这份档案" in _page_links(at)


def test_an_own_teams_duplicate_links_and_says_what_matched(people):
    """The rep's manager may open the archive: a link (this was refused before: the owner's name was
    taken for the owner when judging who may see it)."""
    users, customer_id = people
    with session_scope() as s:
        customer = s.get(Customer, customer_id)
        number, phone = customer.archive_no, customer.phone
    at = _file(open_page("pages/new.py", users[R.MANAGER]), "页面测试客户", phone)
    assert not at.exception, at.exception
    assert [label for label in _page_links(at) if number in label] == [
        f"打开 {number} · 页面测试客户 · 电话 {phone} · 负责人 {users[R.REP].name} · 名称、电话相同"]
