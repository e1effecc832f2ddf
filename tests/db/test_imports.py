"""Importing rows: exact counts and row numbers, duplicates, review, history, undo, both databases."""
import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.archive_queries import get_customer
from db.audit import list_history
from db.engine import session_scope
from db.import_records import undo_import
from db.imports import ImportOptions, run_import
from db.models import AuditEvent, Customer, ImportBatch
from db.models_followups import ContactStatus
from db.read_log import search
from domain import review
from domain import roles as R
from domain.errors import PermissionDenied, UserFacingError
from domain.formatting import local_today
from domain.permissions import SystemActor
from tests.factories import make_customer, make_user

TITLE_ROWS = [["客户档案登记表"], ["整理人：张三", None, "填表时间：2024年5月"], [None]]
HEADER = ["序号", "客户名称", "客户类型", "省份", "联系电话", "注册资金（万元）", "成立时间", "客户等级", "负责人",
          "业务员", "备注"]


def sheet(*rows):
    """A sheet as the reader returns it: title rows, the header on Excel row 4, data from row 5."""
    return [*TITLE_ROWS, HEADER, *rows]


@pytest.fixture
def team(db):
    with session_scope() as s:
        manager = make_user(s, R.MANAGER, name="李经理")
        rep = make_user(s, R.REP, name="张伟", username="zhangwei_imp", supervisor=manager)
        other = make_user(s, R.REP, name="王芳", supervisor=manager)
    return manager, rep, other


def run(actor, rows, dry_run=False, **options):
    with session_scope() as s:
        return run_import(s, actor, rows, file_name="客户.xlsx", options=ImportOptions(**options), dry_run=dry_run)


def count_customers():
    with session_scope() as s:
        return s.scalar(select(func.count(Customer.id)))


def test_messy_rows_import_with_exact_counts_and_row_numbers(team):
    manager, rep, _ = team
    rows = sheet(
        [1, "  深圳好运来餐饮有限公司　", "餐饮", "广东省", 13800138000.0, "50万", "2019年5月", "a", "王老板", "张伟",
         "=1+1"],
        [2, "广州大发超市", "超市", "广东", "020-12345678", "100,000", 43466, "Ｂ", None, None, "<script>x</script>"],
        [3, None, None, None, None, None, None, None, None, None, None],
        [4, "深圳好运来餐饮", "餐饮", "广东", None, None, None, None, None, None, None],
        [5, "坏数据公司", "火星", "广东", "abc", "很多", "昨天", "Z", None, "不存在", None],
    )
    plan = run(manager, rows)
    report = plan.report()
    assert {k: report[k] for k in ("rows_read", "created", "updated", "unchanged", "skipped_blank", "rejected_rows")} \
        == {"rows_read": 5, "created": 2, "updated": 0, "unchanged": 0, "skipped_blank": 1, "rejected_rows": 2}
    assert report["duplicates"] == [{"rows": [5, 8], "by": "客户名称", "value": "深圳好运来餐饮有限公司"}]
    by_column = {(e["row"], e["column"]): e["reason"] for e in report["rejected"]}
    assert by_column[(8, "客户名称")] == "与本文件第 5 行是同一客户（客户名称、电话或税号相同）"
    assert set(c for r, c in by_column if r == 9) == {"客户类型", "联系电话", "注册资金（万元）", "成立时间",
                                                      "客户等级", "业务员"}
    assert by_column[(9, "成立时间")].startswith("日期格式不对")
    with session_scope() as s:
        first = s.scalars(select(Customer).where(Customer.name == "深圳好运来餐饮有限公司")).one()
        first = get_customer(s, manager, first.id)
        assert (first.phone, first.registered_capital, first.founded_on, first.notes) == \
            ("13800138000", Decimal("50.00"), dt.date(2019, 5, 1), "=1+1")
        assert first.owner.name == "张伟" and first.province == "广东" and first.customer_type == "餐饮终端"
        assert [c.name for c in first.contacts] == ["王老板"]
        assert [c.value.name for c in first.classes] == ["A 战略合作"]
        assert first.review_state == review.FILED  # a manager's import files directly
        second = s.scalars(select(Customer).where(Customer.name == "广州大发超市")).one()
        assert second.owner_id == manager.id and second.founded_on == dt.date(2019, 1, 1)
        assert second.notes == "<script>x</script>"
        history = list_history(s, entity="customer", entity_id=first.id)
        assert history[0].action == "import_create" and history[0].import_id == plan.import_id
        assert history[0].reason == f"由导入「客户.xlsx」创建（导入 #{plan.import_id}）"
        assert {"客户名称", "联系人", "分类·价值等级"} <= {c["label"] for c in history[0].changes}


def test_dry_run_writes_nothing(team):
    manager, _, _ = team
    plan = run(manager, sheet([1, "好运来", "餐饮", "广东", "13800138000"]), dry_run=True)
    assert plan.report()["created"] == 1 and plan.import_id is None
    assert count_customers() == 0


def test_rep_import_goes_to_review_and_to_the_rep(team):
    _, rep, other = team
    run(rep, sheet([1, "好运来", "餐饮", "广东", "13800138000", None, None, None, None, "王芳"]))
    with session_scope() as s:
        customer = s.scalars(select(Customer)).one()
        assert customer.owner_id == rep.id and customer.review_state == review.PENDING


def test_existing_archives_are_skipped_or_updated_as_chosen(team):
    manager, rep, _ = team
    with session_scope() as s:
        existing = make_customer(s, rep, name="深圳市好运来餐饮有限公司", customer_type="餐饮终端",
                                 phone="0755-1111111", registered_capital=10)
    rows = sheet([1, "深圳好运来餐饮", None, None, "0755-1111111", "20", None, "B"],
                 [2, "全新客户", "企业", "广东", "0755-2222222"])
    skipped = run(manager, rows, dry_run=True).report()
    assert (skipped["created"], skipped["skipped"], skipped["updated"]) == (1, 1, 0)
    assert {"row": 5, "archive_nos": [existing.archive_no]} in skipped["duplicates"]
    plan = run(manager, rows, on_duplicate="update")
    assert (plan.count("new"), plan.count("update")) == (1, 1)
    update = next(r for r in plan.rows if r.status == "update")
    assert {(c["label"], c["old"], c["new"]) for c in update.changes} == {
        ("注册资金", "10", "20"), ("分类·价值等级", None, "B 优质")}
    with session_scope() as s:
        customer = get_customer(s, manager, existing.id)
        assert customer.registered_capital == Decimal("20.00") and customer.version == existing.version + 1
        assert customer.name == "深圳市好运来餐饮有限公司"  # a spelling variant does not rename the archive
    again = run(manager, rows, on_duplicate="update", dry_run=True)
    assert (again.count("unchanged"), again.count("skip"), again.count("new")) == (2, 0, 0)


def test_defaults_fill_new_archives_but_do_not_overwrite_existing_ones(team):
    manager, rep, _ = team
    with session_scope() as s:
        existing = make_customer(s, rep, name="老客户", phone="0755-1212121", province="湖南", customer_type="企业")
    rows = [["客户名称", "电话", "备注"], ["老客户", "0755-1212121", "更新备注"], ["新客户", "0755-3434343", None]]
    plan = run(manager, rows, on_duplicate="update", defaults={"province": "广东", "customer_type": "个人"})
    assert (plan.count("new"), plan.count("update")) == (1, 1)
    with session_scope() as s:
        old = s.get(Customer, existing.id)
        new = s.scalars(select(Customer).where(Customer.name == "新客户")).one()
        assert (old.province, old.customer_type, old.notes) == ("湖南", "企业", "更新备注")
        assert (new.province, new.customer_type) == ("广东", "个人")


def test_rep_cannot_update_someone_elses_archive(team):
    manager, rep, other = team
    with session_scope() as s:
        make_customer(s, other, name="王芳的客户", phone="0755-3333333")
    plan = run(rep, sheet([1, "王芳的客户", None, None, None, "99"]), on_duplicate="update")
    assert plan.count("skip") == 1 and "不归您负责" in plan.rows[0].note
    with session_scope() as s:  # the attempt is in the 查阅记录 search, with the row
        [refusal] = [r for r in search(s, manager, start=local_today(), end=local_today()) if r.what == "被拒绝"]
        assert refusal.customer.startswith("王芳的客户（") and "导入「客户.xlsx」第 5 行" in refusal.customer


def test_ambiguous_match_is_an_error(team):
    manager, rep, _ = team
    with session_scope() as s:
        make_customer(s, rep, name="甲公司", phone="0755-4444444")
        make_customer(s, rep, name="乙公司", phone="0755-5555555")
    plan = run(manager, sheet([1, "甲公司", None, None, "0755-5555555"]), on_duplicate="update")
    assert plan.count("error") == 1 and "与多份已有档案相符" in plan.rejected[0].reason


def test_missing_required_columns_use_defaults_or_address(team):
    manager, _, _ = team
    rows = [["客户名称", "地址", "电话"], ["好运来", "广东省深圳市南山区", "13800138000"],
            ["无地址", None, "13900139000"]]
    plan = run(manager, rows, defaults={"customer_type": "企业"})
    assert plan.count("new") == 1 and plan.count("error") == 1
    assert plan.rejected[0].row == 3 and plan.rejected[0].column == "省份" and plan.rejected[0].reason == "必填"


def test_no_header_or_no_name_column_is_refused(team):
    manager, _, _ = team
    with pytest.raises(UserFacingError, match="找不到表头"):
        run(manager, [["a", "b"], [1, 2]])
    with pytest.raises(UserFacingError, match="客户名称"):
        run(manager, [["电话", "地址", "省份"], ["1", "2", "广东"]])
    with session_scope() as s:
        assert s.scalar(select(func.count(ImportBatch.id))) == 0


def test_service_role_cannot_undo_others_and_import_is_permitted_for_creators(team):
    manager, rep, _ = team
    plan = run(rep, sheet([1, "好运来", "餐饮", "广东", "13800138000"]))
    with session_scope() as s:
        kefu = make_user(s, R.SERVICE)
    with pytest.raises(PermissionDenied), session_scope() as s:
        undo_import(s, kefu, plan.import_id, "试试")


def test_undo_deactivates_created_and_restores_updated_fields(team):
    manager, rep, _ = team
    with session_scope() as s:
        existing = make_customer(s, rep, name="老客户", phone="0755-6666666", registered_capital=10, city="深圳")
    plan = run(manager, sheet([1, "老客户", None, None, None, "30", "2001-01-01"],
                              [2, "新客户", "企业", "广东", "0755-7777777"]), on_duplicate="update")
    with session_scope() as s:  # someone edits a field after the import: their edit is kept
        customer = s.get(Customer, existing.id)
        customer.founded_on = dt.date(2002, 2, 2)
    with session_scope() as s:
        counts = undo_import(s, manager, plan.import_id, "导错了文件")
    assert counts == {"deactivated": 1, "restored": 1, "kept": 1, "left": 0}
    with session_scope() as s:
        old = s.get(Customer, existing.id)
        assert old.registered_capital == Decimal("10.00") and old.founded_on == dt.date(2002, 2, 2)
        new = s.scalars(select(Customer).where(Customer.name == "新客户")).one()
        assert new.is_active is False
        undo_entries = s.scalars(select(AuditEvent).where(AuditEvent.action == "undo_import")).all()
        assert {e.entity_id for e in undo_entries} == {old.id, new.id}
        assert all(e.reason == f"撤销导入 #{plan.import_id}：导错了文件" for e in undo_entries)
    with pytest.raises(UserFacingError, match="已经撤销过了"), session_scope() as s:
        undo_import(s, manager, plan.import_id, "再来一次")


def test_command_line_actor_files_without_owner(team):
    plan = run(SystemActor(), sheet([1, "系统导入客户", "企业", "广东", "0755-8888888"]))
    with session_scope() as s:
        customer = s.scalars(select(Customer)).one()
        assert customer.owner_id is None and customer.review_state == review.FILED
        assert list_history(s, entity="customer", entity_id=customer.id)[0].actor_id is None
    assert plan.import_id is not None


def test_archive_numbers_continue_after_hand_made_ones(team):
    manager, rep, _ = team
    with session_scope() as s:
        first = make_customer(s, rep, name="手工客户", province="广东")
    run(manager, sheet(*[[i, f"导入客户{i}", "企业", "广东", f"0755-90000{i:02d}"] for i in range(3)]))
    with session_scope() as s:
        numbers = sorted(s.scalars(select(Customer.archive_no)))
    prefix = first.archive_no.rsplit("-", 1)[0]
    assert numbers == [f"{prefix}-{n:05d}" for n in range(1, 5)]


def test_two_imports_of_the_same_file_at_once_create_each_customer_once(team):
    manager, rep, _ = team
    rows = sheet(*[[i, f"并发客户{i}", "企业", "广东", f"0755-61000{i:02d}"] for i in range(40)])
    barrier = threading.Barrier(2)
    reports = []

    def one_import(actor):
        barrier.wait()
        reports.append(run(actor, rows).report())

    threads = [threading.Thread(target=one_import, args=(actor,)) for actor in (manager, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted((r["created"], r["skipped"]) for r in reports) == [(0, 40), (40, 0)]
    assert count_customers() == 40


@pytest.mark.parametrize("capital, founded, stored, reason", [
    ("12.3.4", None, None, "「12.3.4」不是一个数字"),         # not read as 12.3
    ("1,234.5", 2008, (Decimal("1234.5"), dt.date(2008, 1, 1)), None),  # 2008 is a year, not a 1905 serial
    (50, "2008", (Decimal("50"), dt.date(2008, 1, 1)), None),
])
def test_numbers_and_dates_are_as_strict_as_the_form(team, capital, founded, stored, reason):
    manager, _, _ = team
    row = [1, "鼓楼烟酒店", "商超终端", "江苏", None, capital, founded, None, None, None, None]
    with session_scope() as s:
        plan = run_import(s, manager, sheet(row), file_name="客户.xlsx", options=ImportOptions())
        rejected = [(e.row, e.column, e.reason) for e in plan.rejected]
        assert rejected == ([(5, "注册资金（万元）", reason)] if reason else [])
    with session_scope() as s:
        stored_now = [(c.registered_capital, c.founded_on) for c in s.scalars(select(Customer))]
        assert stored_now == ([stored] if stored else [])


def test_a_column_without_a_header_that_holds_values_is_named_as_not_imported(team):
    manager, _, _ = team
    row = [1, "鼓楼烟酒店", "商超终端", "江苏", None, None, None, None, None, None, "老客户", "微信 gl123"]
    with session_scope() as s:
        plan = run_import(s, manager, sheet(row), file_name="客户.xlsx", options=ImportOptions())
    assert plan.report()["created"] == 1
    assert plan.report()["unmapped_columns"] == ["序号", "L 列"]


def test_new_archives_get_their_contact_status(team):
    """The cadence of each new archive is computed in the import's transaction (db/cadence.refresh_due)."""
    manager, _, _ = team
    rows = [[1, "鼓楼烟酒店", "商超终端", "江苏", None, None, None, "A", None, None, None],
            [2, "秦淮酒家", "餐饮终端", "江苏", None, None, None, None, None, None, None]]
    with session_scope() as s:
        plan = run_import(s, manager, sheet(*rows), file_name="客户.xlsx", options=ImportOptions())
        assert plan.report()["created"] == 2
    with session_scope() as s:
        ids = set(s.scalars(select(Customer.id)))
        status = {c.customer_id: c.next_due for c in s.scalars(select(ContactStatus))}
        assert set(status) == ids
