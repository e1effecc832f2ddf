"""Every page, for every role, renders without errors (AppTest, login injected)."""
import time

import pytest
from streamlit.testing.v1 import AppTest

from components.auth import SESSION_KEY
from db.archive_queries import get_customer
from db.archives import archive_input_from, update_customer
from db.engine import session_scope
from db.models import AuditEvent
from db.read_log import search
from domain import roles as R
from domain.formatting import local_today
from domain.page_table import PAGES as PAGE_TABLE
from domain.page_table import spec_of
from tests.factories import make_user
from tests.pages.apptest import ROOT, open_archive, open_page, open_page_directly

PAGES = [spec.path for spec in PAGE_TABLE]
ROLES = [R.ADMIN, R.MANAGER, R.REP, R.SERVICE, R.ARCHIVIST, R.GM]


def denied(path: str, user) -> bool:
    """From the one page table: the guards, the sidebar and this test cannot disagree."""
    return not spec_of(path).may_open(user)


def test_the_page_table_matches_the_pages_folder():
    assert sorted(PAGES) == sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_for_role(people, path, role):
    users, customer_id = people
    if denied(path, users[role]):
        at = open_page_directly(path, users[role])
        assert [e.value for e in at.error] == ["您的角色无权打开此页面。"]
        assert not at.dataframe
        return
    at = open_page(path, users[role], id=str(customer_id))
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []
    assert at.title, "every page has a title"


def test_detail_shows_card_history_and_review_for_manager(people):
    users, customer_id = people
    at = open_page("pages/archive.py", users[R.MANAGER], id=str(customer_id))
    assert at.title[0].value == "页面测试客户"
    assert [b.label for b in at.button if b.key == "approve"] == ["审核通过，归档"]
    assert [t.label for t in at.tabs][:7] == ["资料卡", "跟进", "投诉与折价", "合同", "文件", "应收账款", "编辑"]
    assert [t.label for t in at.tabs][-2:] == ["历史", "停用/启用"]


def test_rep_edits_with_reason_and_sees_it_in_history(people):
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "编辑")
    at.text_input(key=f"edit:{customer_id}:address").input("深圳市福田区新地址1号")
    at.button(key=f"edit:{customer_id}:save").click().run()
    assert "修改原因：请填写修改原因" in " ".join(m.value for m in at.markdown)
    at.text_input(key=f"edit:{customer_id}:reason").input("客户搬迁")
    at.button(key=f"edit:{customer_id}:save").click().run()
    assert not at.exception
    assert any("修改已保存" in s.value for s in at.success)
    at = open_archive(users[R.REP], customer_id, "历史")
    history = at.dataframe[-1].value
    # contacts (with a birthday), products and sales went through the grids untouched: no false changes
    assert history[history["操作"] == "修改"]["字段"].tolist() == ["地址"]
    row = history[history["字段"] == "地址"].iloc[0]
    assert (row["新值"], row["原因/意见"]) == ("深圳市福田区新地址1号", "客户搬迁")


def test_new_archive_keeps_typed_values_when_validation_fails(people):
    users, _ = people
    at = open_page("pages/new.py", users[R.REP])
    at.text_input(key="new:name").input("输入的名称不丢")
    at.text_input(key="new:phone").input("not a phone")
    at.button(key="new:save").click().run()
    assert at.text_input(key="new:name").value == "输入的名称不丢"
    summary = at.error[0].value
    assert "基本信息 › 客户类型：必填" in summary and "基本信息 › 电话：电话号码格式不对" in summary


def test_rep_cannot_open_someone_elses_archive_by_url(people):
    users, customer_id = people
    with session_scope() as s:
        stranger = make_user(s, R.REP)
    at = open_page("pages/archive.py", stranger, id=str(customer_id))
    assert [e.value for e in at.error] == ["您无权查看这份档案，或档案不存在"
                                           "（只有负责人及其上级可以查看，其他同事请申请借阅）"]
    assert "页面测试客户" not in " ".join(t.value for t in at.title)
    with session_scope() as s:  # the attempt is in the 查阅记录 search
        rows = search(s, users[R.MANAGER], start=local_today(), end=local_today())
    assert [(r.who, r.what, r.customer_id) for r in rows if r.what == "被拒绝"] == [
        (stranger.name, "被拒绝", customer_id)]


def test_not_logged_in_sees_only_the_login_form(people):
    at = AppTest.from_file(str(ROOT / "pages/archives.py"), default_timeout=30).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert not at.dataframe


def test_expired_session_is_sent_to_login(people, monkeypatch):
    users, _ = people
    at = AppTest.from_file(str(ROOT / "pages/archives.py"), default_timeout=30)
    stale = time.time() - 9 * 3600
    at.session_state[SESSION_KEY] = {"user_id": users[R.REP].id, "login_at": stale, "last_seen": stale}
    at.run()
    assert [w.value for w in at.warning] == ["长时间未操作，登录已过期，请重新登录。"]
    assert not at.dataframe


def test_a_session_older_than_the_users_logout_is_ended(people):
    """Logout, password reset and disable move the user's session epoch (db/users.py)."""
    users, _ = people
    with session_scope() as s:
        from db.users import logout
        logout(s, user_id=users[R.REP].id)
    at = AppTest.from_file(str(ROOT / "pages/archives.py"), default_timeout=30)
    issued_before_logout = time.time() - 60
    at.session_state[SESSION_KEY] = {"user_id": users[R.REP].id, "login_at": issued_before_logout,
                                     "last_seen": time.time()}
    at.run()
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert [w.value for w in at.warning] == ["您的登录已失效（已退出、密码被重置或账户被停用），请重新登录。"]
    assert not at.dataframe


def test_export_button_exports_the_filtered_list_and_records_it(people):
    users, _ = people
    at = open_page("pages/archives.py", users[R.MANAGER])
    assert not [b for b in at.get("download_button")], "nothing is exported before the button is pressed"
    at.button(key="export_list").click().run()
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 Excel（1 份档案）"]
    with session_scope() as s:
        event = s.query(AuditEvent).filter_by(action="export_list").one()
        assert event.actor_id == users[R.MANAGER].id and event.reason == "筛选：在用"


def test_customer_service_sees_no_export_button(people):
    users, _ = people
    at = open_page("pages/archives.py", users[R.SERVICE])
    assert not [b for b in at.button if b.key == "export_list"]


def test_typing_in_the_edit_tab_survives_a_look_at_another_tab(people):
    """Only the open tab runs; the 编辑 form keeps running while it holds unsaved changes."""
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "编辑")
    at.text_input(key=f"edit:{customer_id}:address").input("深圳市南山区未保存的新地址").run()
    at.session_state[f"archive_tabs:{customer_id}"] = "历史"  # the rep looks something up
    at.run()
    assert at.dataframe  # the history is shown
    at.session_state[f"archive_tabs:{customer_id}"] = "编辑"
    at.run()
    assert at.text_input(key=f"edit:{customer_id}:address").value == "深圳市南山区未保存的新地址"


def test_an_untouched_edit_form_shows_the_latest_archive_when_opened_again(people):
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "编辑")
    at.session_state[f"archive_tabs:{customer_id}"] = "资料卡"
    at.run()
    with session_scope() as s:  # meanwhile a colleague changes the address
        customer = get_customer(s, users[R.MANAGER], customer_id)
        data = archive_input_from(customer)
        data.values["address"] = "同事刚改的地址"
        update_customer(s, users[R.MANAGER], customer_id, data, reason="核实", expected_version=customer.version)
    at.session_state[f"archive_tabs:{customer_id}"] = "编辑"
    at.run()
    assert at.text_input(key=f"edit:{customer_id}:address").value == "同事刚改的地址"


@pytest.mark.parametrize("path", ["pages/users.py", "pages/review.py", "pages/volumes.py"])
def test_a_page_the_role_may_not_open_answers_in_chinese_through_the_app(people, path):
    """Opened by its address in a logged-in session (not Streamlit's English "Page not found")."""
    users, _ = people
    at = open_page(path, users[R.REP])
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["您的角色无权打开此页面。"]
