"""借阅 in AppTest (issue 21 item 3): the manager's 今日待办 points to the requests waiting for them,
only while some wait; on 借阅申请 they take a running loan back early, with a reason the borrower sees."""
import datetime as dt

from db.access import decide, request_access
from db.engine import session_scope
from domain import roles as R
from domain.formatting import local_today
from tests.factories import make_customer, make_user
from tests.pages.apptest import open_page, shown

TODAY = local_today()


def _links(at) -> dict[str, str]:
    return {e.proto.label: e.proto.page for e in at.get("page_link")}


def _request(people):
    """孙丽 (another team) asks to read the page-test rep's customer; the rep's manager decides."""
    users, _ = people
    with session_scope() as s:
        borrower = make_user(s, R.REP, name="孙丽", supervisor=make_user(s, R.MANAGER, name="赵经理"))
        customer = make_customer(s, users[R.REP], name="被借阅的客户")
        grant_id = request_access(s, borrower, customer.id, "客户来电投诉", TODAY + dt.timedelta(days=5)).id
    return borrower, grant_id


def test_todays_list_shows_waiting_loan_requests_to_whoever_decides_them(people):
    users, _ = people
    _, grant_id = _request(people)
    at = open_page("pages/home.py", users[R.MANAGER])
    assert not at.exception, at.exception
    assert "待我审批的借阅申请（1）" in [h.value for h in at.subheader]
    assert any(label == "打开借阅申请，审批这 1 条" and page.endswith("access") for label, page in _links(at).items())
    for role in (R.REP, R.ARCHIVIST):  # they decide none
        assert not any("借阅" in h.value for h in open_page("pages/home.py", users[role]).subheader)
    with session_scope() as s:
        decide(s, users[R.MANAGER], grant_id, False, "与投诉无关")
    at = open_page("pages/home.py", users[R.MANAGER])
    assert not any("借阅" in h.value for h in at.subheader)


def test_the_approver_recalls_a_loan_early_and_the_borrower_sees_why(people):
    users, _ = people
    borrower, grant_id = _request(people)
    with session_scope() as s:
        decide(s, users[R.MANAGER], grant_id, True)
    at = open_page("pages/access.py", users[R.REP])  # the owner does not decide
    assert f"recall:{grant_id}" not in [b.key for b in at.button]
    at = open_page("pages/access.py", users[R.MANAGER])
    assert "借阅中，可提前收回（1）" in [h.value for h in at.subheader]
    at.button(key=f"recall:{grant_id}").click().run()
    assert shown(at.error) == ["提前收回请写明原因（借阅人会看到）"]
    at.text_input(key=f"recall:{grant_id}:reason").input("投诉已处理完毕")
    at.button(key=f"recall:{grant_id}").click().run()
    assert shown(at.success) == ["已提前收回 孙丽 的借阅"]
    assert not any("可提前收回" in h.value for h in at.subheader)
    at = open_page("pages/access.py", borrower)
    mine = at.dataframe[0].value
    assert mine["状态"].tolist() == ["已收回"] and mine["审批意见"].tolist() == ["提前收回：投诉已处理完毕"]
