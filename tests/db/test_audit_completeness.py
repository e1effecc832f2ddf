"""Every write path leaves one history entry per changed archive, and none for a save that changes
nothing (issue 9 §8). Bulk paths are where history libraries silently skip rows, so each is run on 100
archives: import, import as update (upsert), undo of an import, a board move and a handover."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from db.archive_queries import get_customer
from db.archives import archive_input_from, update_customer
from db.classification import move_many
from db.engine import session_scope
from db.handover import hand_over
from db.import_records import undo_import
from db.imports import ImportOptions, run_import
from db.models import AuditEvent, ClassScheme, ClassValue, Customer, ImportBatch
from domain import roles as R
from domain.errors import UserFacingError
from tests.db.test_imports import sheet
from tests.factories import make_customer, make_user

N = 100


@pytest.fixture
def team(db):
    with session_scope() as s:
        manager = make_user(s, R.MANAGER, name="李经理")
        rep = make_user(s, R.REP, name="张伟", supervisor=manager)
        other = make_user(s, R.REP, name="王芳", supervisor=manager)
    return manager, rep, other


def workbook(capital: int):
    return sheet(*[[i, f"审计客户{i}号商贸有限公司", "经销商/批发", "广东", f"0755-{86000000 + i}", capital,
                    "2015-03-01", None, None, None, None] for i in range(1, N + 1)])


def entries(action: str) -> Counter:
    """How many history entries of ``action`` each archive has."""
    with session_scope() as s:
        return Counter(s.scalars(select(AuditEvent.entity_id).where(AuditEvent.entity == "customer",
                                                                   AuditEvent.action == action)))


def imported(actor, rows, **options):
    with session_scope() as s:
        return run_import(s, actor, rows, file_name="客户.xlsx", options=ImportOptions(**options))


def test_import_upsert_and_undo_leave_one_entry_per_archive(team):
    manager, _, _ = team
    imported(manager, workbook(100))
    with session_scope() as s:
        ids = set(s.scalars(select(Customer.id)))
    assert len(ids) == N
    assert entries("import_create") == Counter({cid: 1 for cid in ids})

    imported(manager, workbook(200), on_duplicate="update")  # every row changes 注册资金
    assert entries("import_update") == Counter({cid: 1 for cid in ids})
    with session_scope() as s:
        change = s.scalars(select(AuditEvent).where(AuditEvent.action == "import_update").limit(1)).one().changes
    assert [(c["label"], c["old"], c["new"]) for c in change] == [("注册资金", "100", "200")]

    imported(manager, workbook(200), on_duplicate="update")  # the same file again: nothing changes
    assert sum(entries("import_update").values()) == N  # no new entries

    with session_scope() as s:
        last = s.scalars(select(ImportBatch.id).order_by(ImportBatch.id.desc()).limit(1)).one()
        first = s.scalars(select(ImportBatch.id).order_by(ImportBatch.id).limit(1)).one()
        undo_import(s, manager, last, "重复导入")  # it changed nothing: nothing to undo, no entries
    assert entries("undo_import") == Counter()
    with session_scope() as s:
        undo_import(s, manager, first, "导错了文件")
    assert entries("undo_import") == Counter({cid: 1 for cid in ids})


def test_a_board_move_and_a_handover_leave_one_entry_per_archive(team):
    manager, rep, other = team
    with session_scope() as s:
        scheme_id = s.scalar(select(ClassScheme.id).where(ClassScheme.code == "value"))
        target = s.scalar(select(ClassValue.id).where(ClassValue.scheme_id == scheme_id)
                          .order_by(ClassValue.sort_order))
        ids = [make_customer(s, rep).id for _ in range(N)]
    with session_scope() as s:
        assert move_many(s, manager, scheme_id, target, {cid: None for cid in ids}, reason="年度评级") == N
    assert entries("class_move") == Counter({cid: 1 for cid in ids})
    with session_scope() as s:
        hand_over(s, manager, rep.id, {cid: other.id for cid in ids}, reason="张伟离职")
    assert entries("handover") == Counter({cid: 1 for cid in ids})


def test_a_save_that_changes_nothing_leaves_no_entry_and_child_rows_are_tracked(team):
    _, rep, _ = team
    with session_scope() as s:
        cid = make_customer(s, rep).id

    def save(change) -> None:
        with session_scope() as s:
            customer = get_customer(s, rep, cid)
            data = archive_input_from(customer)
            change(data)
            update_customer(s, rep, cid, data, reason="核对", expected_version=customer.version)

    with pytest.raises(UserFacingError, match="没有任何改动"):
        save(lambda data: None)
    assert entries("update") == Counter()
    save(lambda data: data.contacts.append({"name": "刘强", "role": "采购负责人", "mobile": "13911112222"}))
    save(lambda data: data.products.append({"product": "剑南春", "shelf_price": 420}))
    save(lambda data: data.contacts[0].update(mobile="13933334444"))
    with session_scope() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "update").order_by(AuditEvent.id)).all()
        assert [[(c["label"], c["old"] is None) for c in e.changes] for e in events] == [
            [("联系人", True)], [("进店产品", True)], [("联系人", False)]]
        assert "13911112222" in events[2].changes[0]["old"] and "13933334444" in events[2].changes[0]["new"]
