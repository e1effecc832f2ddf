"""What a rep may learn about archives that are not theirs (issue 20 items 4 and 5): a matching archive
is told by what matched and whom to ask, never by its number, name or phone; a missing id and a refused
one read alike; % and _ in a search are what was typed; 撤销导入 leaves archives handed to others."""
import datetime as dt

import pytest
from sqlalchemy import select

from db.access import my_requests, request_access, shown_archive_no
from db.archive_queries import CustomerFilter, get_customer, list_customers
from db.archives import DuplicatesFound, create_customer
from db.engine import session_scope
from db.import_records import undo_import, undo_summary
from db.imports import ImportOptions, run_import
from db.market import add_note, search_notes
from db.models import Customer
from db.pool import pool_page
from db.read_log import record_read, search
from domain.errors import NotFound, PermissionDenied
from domain.formatting import local_today
from domain.market import MarketNoteInput
from domain.matches import NOT_VISIBLE
from domain.validation import ValidationError
from tests.factories import archive_input, make_customer, make_team

HEADER = ["客户名称", "客户类型", "省份", "联系电话", "税号"]


@pytest.fixture
def team(db):
    """李经理 leads 张伟 and 王芳; 王芳 owns 「王芳的酒楼」 (phone, a contact's mobile, a 税号)."""
    with session_scope() as s:
        manager, rep, other = make_team(s)
        theirs = make_customer(s, other, name="王芳的酒楼", phone="0755-36363636", tax_no="91440300MA5F0TEST1",
                               contacts=[{"name": "老板", "mobile": "13912345678"}])
        return manager, rep, other, theirs.id, theirs.archive_no


def _secrets(team):
    return [team[4], "王芳的酒楼", "0755-36363636", "13912345678", "王芳"]


@pytest.mark.parametrize("typed, matched", [
    ({"name": "王芳的酒楼有限公司"}, "名称"),
    ({"name": "别家", "phone": "0755 3636 3636"}, "电话"),
    ({"name": "别家", "contacts": [{"name": "甲", "mobile": "13912345678"}]}, "电话"),
])
def test_the_duplicate_warning_tells_a_rep_what_matched_and_whom_to_ask_not_what_it_is(team, typed, matched):
    _manager, rep, *_ = team
    with pytest.raises(DuplicatesFound) as info, session_scope() as s:
        create_customer(s, rep, archive_input(**typed))
    [dup] = info.value.duplicates
    told = repr(dup)
    assert dup["hidden"] and dup["matched"] == [matched]
    assert f"{matched}相同" in dup["note"] and "李经理" in dup["note"] and "申请借阅" in dup["note"]
    assert not [secret for secret in _secrets(team) if secret in told]


def test_who_may_see_the_duplicate_gets_its_number_as_before(team):
    manager, *_, number = team
    with pytest.raises(DuplicatesFound) as info, session_scope() as s:
        create_customer(s, manager, archive_input(name="王芳的酒楼"))
    [dup] = info.value.duplicates
    assert (dup["hidden"], dup["archive_no"], dup["name"], dup["owner"]) == (False, number, "王芳的酒楼", "王芳")


def test_a_taken_tax_number_is_named_only_to_who_may_see_its_archive(team):
    manager, rep, *_, number = team
    with pytest.raises(ValidationError) as info, session_scope() as s:
        create_customer(s, rep, archive_input(name="别家", tax_no="91440300ma5f0test1"))
    message = info.value.errors["tax_no"]
    assert "李经理" in message and "一个税号只能有一份在用档案" in message
    assert not [secret for secret in _secrets(team) if secret in message]
    with pytest.raises(ValidationError) as info, session_scope() as s:
        create_customer(s, manager, archive_input(name="别家", tax_no="91440300ma5f0test1"))
    assert number in info.value.errors["tax_no"]


def test_the_import_preview_does_not_show_a_colleagues_archive(team):
    manager, rep, *_ = team
    rows = [HEADER, ["王芳的酒楼", "餐饮终端", "广东", "0755-11112222"],
            ["另一家", "餐饮终端", "广东", "13912345678"]]
    for on_duplicate in ("skip", "update"):
        with session_scope() as s:
            plan = run_import(s, rep, rows, file_name="客户.xlsx", options=ImportOptions(on_duplicate=on_duplicate),
                              dry_run=True)
        told = repr([(r.archive_no, r.note, [e.reason for e in r.errors]) for r in plan.rows]) + repr(plan.report())
        assert [r.status for r in plan.rows] == ["skip", "skip"]
        assert not [secret for secret in _secrets(team) if secret in told], told
        assert ["名称相同" in plan.rows[0].note, "电话相同" in plan.rows[1].note] == [True, True], told
        assert all("李经理" in r.note for r in plan.rows)
    with session_scope() as s:  # the manager sees the team's archive: its number, as before
        plan = run_import(s, manager, rows, file_name="客户.xlsx", options=ImportOptions(), dry_run=True)
    assert [r.archive_no for r in plan.rows] == [team[4], team[4]]


def test_several_matches_name_only_the_archives_one_may_see(team):
    _manager, rep, *_ = team
    with session_scope() as s:
        mine = make_customer(s, rep, name="张伟的店", phone="0755-77778888")
    with session_scope() as s:
        plan = run_import(s, rep, [HEADER, ["张伟的店", "餐饮终端", "广东", "13912345678"]], file_name="a.xlsx",
                          options=ImportOptions(), dry_run=True)
    [reason] = [e.reason for e in plan.rejected]
    assert mine.archive_no in reason and "另有 1 份您无权查看" in reason and team[4] not in reason


def test_a_missing_id_and_a_refused_one_read_alike(team):
    _manager, rep, _other, theirs, _ = team
    with session_scope() as s:
        with pytest.raises(PermissionDenied) as refused:
            get_customer(s, rep, theirs)
        with pytest.raises(NotFound) as missing:
            get_customer(s, rep, theirs + 1000)
    assert str(refused.value) == str(missing.value) == NOT_VISIBLE


def test_a_deleted_archive_reads_as_missing_to_who_could_not_see_it(team):
    _manager, rep, _other, theirs, _number = team
    with session_scope() as s:
        s.get(Customer, theirs).deleted_at = dt.datetime(2026, 1, 1)
    with session_scope() as s, pytest.raises(NotFound) as info:
        get_customer(s, rep, theirs)
    assert str(info.value) == NOT_VISIBLE


def test_borrowing_by_link_shows_no_number_until_lent(team):
    manager, rep, _other, theirs, number = team
    with session_scope() as s:
        assert shown_archive_no(s, rep, theirs) == "" == shown_archive_no(s, rep, theirs + 1000)
        assert shown_archive_no(s, manager, theirs) == number
        request_access(s, rep, theirs, "客户来电，需要查看往来记录", local_today() + dt.timedelta(days=3))
        [row] = my_requests(s, rep)
    assert number not in repr(row) and "王芳的酒楼" not in repr(row)
    with session_scope() as s, pytest.raises(NotFound) as info:
        request_access(s, rep, theirs + 1000, "客户来电，需要查看往来记录", local_today() + dt.timedelta(days=3))
    assert str(info.value) == NOT_VISIBLE


@pytest.mark.parametrize("typed", ["%", "_", "王%", "%%"])
def test_percent_and_underscore_in_a_search_are_what_was_typed(team, typed):
    manager, *_ = team
    with session_scope() as s:
        make_customer(s, manager, name="百分百_100%纯粮", phone="0755-12121212")
        assert [c.name for c in list_customers(s, manager, CustomerFilter(search=typed)).rows] == (
            ["百分百_100%纯粮"] if typed in ("%", "_") else [])  # the name keys ignore punctuation: "_" alone is no key


def test_wildcards_elsewhere_match_only_themselves(team):
    manager, rep, *_ = team
    today = local_today()
    with session_scope() as s:
        add_note(s, manager, MarketNoteInput(day=today, competitor="对手甲", topic="价格", content="降价",
                                             province="广东"))
        add_note(s, manager, MarketNoteInput(day=today, competitor="对手乙", topic="价格", content="让利5%",
                                             province="广东"))
        pooled = make_customer(s, manager, name="公海客户")
        s.get(Customer, pooled.id).owner_id = None
    with session_scope() as s:
        assert [n.competitor for n in search_notes(s, manager, text="%")] == ["对手乙"]
        assert pool_page(s, rep, search="%")[1] == 0 and pool_page(s, rep, search="公海")[1] == 1
        record_read(s, manager, team[3])
    with session_scope() as s:
        assert len(search(s, manager, start=today, end=today, customer_text="王芳")) == 1
        assert search(s, manager, start=today, end=today, customer_text="%") == []


def test_undo_leaves_archives_handed_to_someone_else_and_says_so(team):
    _manager, rep, other, *_ = team
    rows = [HEADER, ["张伟导入甲", "餐饮终端", "广东", "0755-50000001"],
            ["张伟导入乙", "餐饮终端", "广东", "0755-50000002"]]
    with session_scope() as s:
        plan = run_import(s, rep, rows, file_name="客户.xlsx", options=ImportOptions())
    with session_scope() as s:  # 乙 is handed to 王芳
        handed = s.scalars(select(Customer).where(Customer.name == "张伟导入乙")).one()
        handed.owner_id, handed_id = other.id, handed.id
    with session_scope() as s:
        counts = undo_import(s, rep, plan.import_id, "导错了文件")
    assert (counts["deactivated"], counts["left"]) == (1, 1)
    with session_scope() as s:
        assert s.get(Customer, handed_id).is_active is True
        assert s.scalars(select(Customer.is_active).where(Customer.name == "张伟导入甲")).one() is False
    summary = undo_summary(plan.import_id, counts)
    assert "另有 1 份档案导入后已交给其他同事负责" in summary and "未撤销" in summary
