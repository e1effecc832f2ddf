"""今日待办, 分类看板 and the lists in AppTest: a few most urgent rows per section with the count and 更多,
the overdue naming its kind of contact and the last such contact, and the customer's name a link."""
import datetime as dt
import json
import re
from urllib.parse import unquote

from db.cadence import refresh_due
from db.engine import session_scope
from db.followups import log_follow_up
from db.models import Customer, CustomerClass, User
from domain import roles as R
from domain.cadence import add_months
from domain.followups import FollowUpInput
from domain.formatting import local_date, local_today
from tests.factories import class_value, make_customer
from tests.pages.apptest import open_page, shown

TODAY = local_today()


def key_accounts(rep, count: int, name: str = "重点{}号商行") -> list[int]:
    """``count`` key accounts of ``rep``, never contacted, filed 20 + i days ago (the first is the least overdue)."""
    ids = []
    with session_scope() as s:
        key = class_value(s, "importance", "key")
        for i in range(count):
            customer = make_customer(s, rep, name=name.format(i + 1), classes={key.scheme_id: key.id})
            customer.created_at -= dt.timedelta(days=20 + i)
            ids.append(customer.id)
        refresh_due(s, ids)
    return ids


def a_call_today_and_no_visit_for_a_year(people) -> tuple[int, str]:
    """The reported case: the test customer is 一级 (a visit every 2 months), filed 400 days ago, never
    visited, and phoned today. Returns the customer id and the words expected wherever it is shown."""
    users, customer_id = people
    with session_scope() as s:
        t1 = class_value(s, "service", "t1")
        customer = s.get(Customer, customer_id)
        customer.created_at -= dt.timedelta(days=400)
        s.add(CustomerClass(customer_id=customer_id, scheme_id=t1.scheme_id, value_id=t1.id))
        s.flush()
        log_follow_up(s, users[R.REP], customer_id, FollowUpInput(day=TODAY, method="电话跟进", summary="电话问候"))
        late = (TODAY - add_months(local_date(customer.created_at), 2)).days
    assert late > 300
    return customer_id, f"登门拜访逾期 {late} 天"


def test_todays_work_shows_three_per_section_with_the_count_and_more(people):
    users, _ = people
    key_accounts(users[R.REP], 5)
    at = open_page("pages/home.py", users[R.REP])
    assert "按跟进频率应跟进的客户（5）" in [h.value for h in at.subheader]
    rows = [b for b in at.button if (b.key or "").startswith("agenda_due:")]
    assert len(rows) == 3
    links = [p.label for p in at.get("page_link") if "号商行" in p.label]
    assert links == ["重点5号商行", "重点4号商行", "重点3号商行"]  # the longest overdue first
    more = at.button(key="agenda_more:due")
    assert more.label == "更多（还有 2 条）"
    more.click().run()
    assert len([b for b in at.button if (b.key or "").startswith("agenda_due:")]) == 5
    assert not [b for b in at.button if b.key == "agenda_more:due"]


def test_the_board_shows_the_most_urgent_few_per_class_with_the_count_and_more(people):
    users, _ = people
    key_accounts(users[R.REP], 10)
    at = open_page("pages/board.py", users[R.SERVICE])  # 客服 sees the board without dragging: plain cards
    header = next(m.value for m in at.markdown if "重点客户" in m.value)
    assert "重点客户</b> · 10" in header
    cards = [m.value for m in at.markdown if "号商行" in m.value]
    assert len(cards) == 8 and "重点10号商行" in cards[0]  # the longest overdue first
    assert "还有 2 份未显示" in [c.value for c in at.caption]
    at.button(key="board_more").click().run()
    assert len([m for m in at.markdown if "号商行" in m.value]) == 10


def test_the_overdue_names_the_kind_of_contact_and_the_last_one_everywhere(people):
    users, _ = people
    customer_id, late = a_call_today_and_no_visit_for_a_year(people)
    words = f"{late}（一级：每 2 个月一次，从未登门）"
    home = open_page("pages/home.py", users[R.REP])
    assert any(f"**{late}**]（一级：每 2 个月一次，从未登门）" in text for text in shown(home.markdown))
    archives = open_page("pages/archives.py", users[R.REP])
    table = archives.dataframe[0].value
    assert table["应跟进"].tolist() == [f"⚠ {words}"]
    archive = open_page("pages/archive.py", users[R.REP], id=str(customer_id))
    assert f"上次联系 {TODAY} · :red[**{words}**]" in shown(archive.markdown)
    board = open_page("pages/board.py", users[R.SERVICE])
    card = next(text for text in shown(board.markdown) if "页面测试客户" in text)
    assert f"{late}（从未登门）" in card and "逾期" not in card.replace(late, "")


def _name_links(at) -> tuple[list[str], dict]:
    """The 客户名称 cells (URLs) and that column's settings, as the browser's grid gets them."""
    table = at.dataframe[0]
    config = json.loads(table.proto.columns)["客户名称"]
    return table.value["客户名称"].tolist(), config


def _shown_name(url: str, config: dict) -> str:
    """What the grid shows for a link cell: the display_text regex's group, URL-decoded."""
    return unquote(re.search(config["type_config"]["display_text"], url).group(1))


def test_a_name_in_the_archive_list_links_to_its_archive(people):
    users, customer_id = people
    at = open_page("pages/archives.py", users[R.REP])
    urls, config = _name_links(at)
    assert config["type_config"]["type"] == "link"
    assert urls == [f"archive?id={customer_id}#" + "%E9%A1%B5%E9%9D%A2%E6%B5%8B%E8%AF%95%E5%AE%A2%E6%88%B7"]
    assert [_shown_name(u, config) for u in urls] == ["页面测试客户"]
    assert "点击客户名称在新标签页打开档案，或勾选行首的方框在本页打开。" in [c.value for c in at.caption]


def test_a_name_in_the_review_queue_links_to_its_archive(people):
    users, customer_id = people
    at = open_page("pages/review.py", users[R.MANAGER])
    urls, config = _name_links(at)
    assert [u.split("#")[0] for u in urls] == [f"archive?id={customer_id}"]
    assert [_shown_name(u, config) for u in urls] == ["页面测试客户"]


def test_a_field_declared_filterable_is_a_filter_on_the_list(people):
    """客户来源 is filterable in domain/fields.py: the list offers it, and it narrows the list and its count."""
    users, _ = people
    with session_scope() as s:
        make_customer(s, s.get(User, users[R.REP].id), name="展会认识的客户", source="展会")
    at = open_page("pages/archives.py", users[R.REP])
    assert len(at.dataframe[0].value["客户名称"]) == 2
    source = at.selectbox(key="list_field:source")
    assert source.label == "客户来源" and "展会" in source.options
    source.select("展会").run()
    urls, config = _name_links(at)
    assert [_shown_name(u, config) for u in urls] == ["展会认识的客户"]
    assert "1 份" in [m.value for m in at.metric]
