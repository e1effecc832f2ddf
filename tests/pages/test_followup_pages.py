"""Logging a follow-up and 今日待办 in AppTest (the real app, login injected)."""
import datetime as dt

from sqlalchemy import select

from db.archive_queries import get_customer
from db.archives import archive_input_from, update_customer
from db.cadence import refresh_due
from db.engine import session_scope
from db.models import Customer
from db.models_followups import FollowUp, VisitPlan
from domain import roles as R
from domain.formatting import local_today
from tests.factories import class_value
from tests.pages.apptest import open_archive, open_page, shown

TODAY = local_today()


def make_overdue(people):
    """Make the page-test customer a key account filed 20 days ago, never contacted (overdue by its weekly
    cadence, not yet back in the 公海 after 30 untended days)."""
    users, customer_id = people
    with session_scope() as s:
        key = class_value(s, "importance", "key")
        customer = get_customer(s, users[R.REP], customer_id)
        data = archive_input_from(customer)
        data.classes = {key.scheme_id: key.id}
        update_customer(s, users[R.REP], customer_id, data, reason="重点客户", expected_version=customer.version)
        s.get(Customer, customer_id).created_at -= dt.timedelta(days=20)
        refresh_due(s, [customer_id])


def test_log_a_follow_up_from_the_archive(people):
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "跟进")
    at.text_input(key=f"fu:{customer_id}#0:summary").input("客户要新品价格表")
    at.date_input(key=f"fu:{customer_id}#0:next_date").set_value(TODAY + dt.timedelta(days=2))
    at.button(key=f"FormSubmitter:fu:{customer_id}#0-保存跟进记录").click().run()
    assert not at.exception, at.exception
    assert shown(at.success) == [f"跟进记录已保存，已安排 {TODAY + dt.timedelta(days=2)} 再次跟进"]
    assert "客户要新品价格表" in [m.value for m in at.markdown] + [str(t.value) for t in at.text]
    with session_scope() as s:
        record = s.scalars(select(FollowUp)).one()
        assert (record.method, record.day, record.follower_id) == ("电话跟进", TODAY, users[R.REP].id)
        assert s.scalars(select(VisitPlan.day)).one() == TODAY + dt.timedelta(days=2)


def test_an_empty_follow_up_is_refused_and_nothing_is_saved(people):
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "跟进")
    at.button(key=f"FormSubmitter:fu:{customer_id}#0-保存跟进记录").click().run()
    assert [e.value for e in at.error] == ["未保存：请用一句话写下跟进情况"]
    with session_scope() as s:
        assert s.scalars(select(FollowUp)).all() == []


def test_todays_list_shows_the_overdue_customer_until_it_is_followed_up(people):
    users, customer_id = people
    make_overdue(people)
    at = open_page("pages/home.py", users[R.REP])
    assert "按跟进频率应跟进的客户（1）" in [h.value for h in at.subheader]
    assert [m.value for m in at.metric if m.label == "应跟进的客户"] == ["1"]
    at = open_archive(users[R.REP], customer_id, "跟进")
    # filed 20 days ago, due after 7
    assert any("跟进逾期 13 天（重点客户：每周一次，从未联系）" in shown([m])[0] for m in at.markdown)
    at.text_input(key=f"fu:{customer_id}#0:summary").input("登门拜访，谈妥年底促销")
    at.radio(key=f"fu:{customer_id}#0:method").set_value("直接登门")
    at.button(key=f"FormSubmitter:fu:{customer_id}#0-保存跟进记录").click().run()
    at = open_page("pages/home.py", users[R.REP])
    assert [s.value for s in at.success] == ["今天没有待办事项。"]
    manager = open_page("pages/home.py", users[R.MANAGER])  # the visit waits for the manager's review
    assert "待我审阅的拜访记录（1）" in [h.value for h in manager.subheader]


def follow_ups() -> list[str]:
    with session_scope() as s:
        return list(s.scalars(select(FollowUp.summary)))


def test_a_saved_follow_up_clears_the_form_and_a_second_click_saves_nothing_more(people):
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "跟进")
    at.text_input(key=f"fu:{customer_id}#0:summary").input("送样品")
    at.button(key=f"FormSubmitter:fu:{customer_id}#0-保存跟进记录").click().run()
    assert follow_ups() == ["送样品"]
    box = next(t for t in at.text_input if t.label == "跟进情况 *")
    assert box.value == ""  # the form is empty again: nothing to click twice
    at.button(key=f"FormSubmitter:fu:{customer_id}#1-保存跟进记录").click().run()
    assert follow_ups() == ["送样品"]
    assert [e.value for e in at.error] == ["未保存：请用一句话写下跟进情况"]


def test_the_same_submission_arriving_again_after_its_save_creates_nothing_more(people, monkeypatch):
    """A double click: the second click's rerun stops the first after its commit, before the form was
    cleared, and arrives with the same form."""
    from components import forms
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "跟进")
    at.text_input(key=f"fu:{customer_id}#0:summary").input("送样品")
    monkeypatch.setattr(forms, "clear", lambda key: None)  # the first run stopped right after its save
    import components.followup_form as followup_form
    monkeypatch.setattr(followup_form, "clear", lambda key: None)
    at.button(key=f"FormSubmitter:fu:{customer_id}#0-保存跟进记录").click().run()
    at.button(key=f"FormSubmitter:fu:{customer_id}#0-保存跟进记录").click().run()
    assert follow_ups() == ["送样品"]
    assert "同一份表单提交了两次，只保存了一次" in " ".join(shown(at.success))


def test_a_pasted_summary_over_the_limit_is_refused_beside_it_and_kept(people):
    users, customer_id = people
    at = open_archive(users[R.REP], customer_id, "跟进")
    at.text_input(key=f"fu:{customer_id}#0:summary").input("长" * 3000)
    at.button(key=f"FormSubmitter:fu:{customer_id}#0-保存跟进记录").click().run()
    assert follow_ups() == []
    assert at.text_input(key=f"fu:{customer_id}#0:summary").value == "长" * 3000
    assert "跟进情况最多 2000 字（现在 3000 字）" in " ".join(e.value for e in at.error)
