"""Atomic writes (issue 9 §4): a bulk board move, a 离职交接 and an 撤销导入, each killed (SIGKILL) in the
middle of writing its rows, leave every row of every table exactly as before; the database stays
usable and the same operation then succeeds whole.

The kill is not timing-lucky: the child (tests/db/killed_write_child.py) freezes right after a given
number of its ``UPDATE customers`` statements and reports what its open transaction sees, so the test
knows half of the archives were written, uncommitted, when the process died.
"""
import datetime as dt
import json
import os
import select as select_module
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import MetaData, func, select, text

from db.access import decide, request_access
from db.classification import move_many
from db.engine import get_engine, session_scope
from db.followups import plan_visits
from db.handover import POOL, hand_over
from db.import_records import undo_import
from db.imports import ImportOptions, run_import
from db.models import AuditEvent, ClassMovement, ClassScheme, ClassValue, Customer, CustomerClass, ImportBatch, User
from db.models_access import AccessGrant
from db.models_followups import VisitPlan
from domain.followups import PlanInput
from domain.formatting import local_today
from tests.factories import make_customer, make_team, make_user

ROOT = Path(__file__).resolve().parents[2]
N = 120  # archives a handover or an undo writes
MOVED = 60  # archives the board move writes (each move is its own flush and cadence refresh: slower)


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (the schema read from the database), in primary-key order."""
    engine = get_engine(url)
    meta = MetaData()
    meta.reflect(bind=engine)
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in meta.sorted_tables}


def versions(url: str) -> int:
    with get_engine(url).connect() as conn:
        return conn.scalar(select(func.sum(Customer.version)))


def kill_midway(url: str, operation: str, args: dict, freeze_at: int) -> int:
    """Run the operation in a child process and SIGKILL it while frozen mid-transaction; returns the sum of
    customers' versions its open transaction saw. Returns once the database has ended that transaction."""
    postgres = url.startswith("postgresql")
    name = f"kedang_killed_{uuid.uuid4().hex[:8]}"
    child_url = f"{url}?application_name={name}" if postgres else url
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.db.killed_write_child", child_url, operation, json.dumps(args),
             str(freeze_at)], cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            ready, _, _ = select_module.select([child.stdout], [], [], 180)
            line = child.stdout.readline().split() if ready else ["(no answer in 180 s)"]
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        errors.seek(0)
        assert line[:1] == ["FROZEN"], f"the child did not freeze mid-write: {line}\n{errors.read()[-3000:]}"
    assert child.returncode == -signal.SIGKILL
    if postgres:  # the server notices the dead client, rolls its transaction back and ends the backend
        _wait_until(lambda: _backends(url, name) == 0, "PostgreSQL still runs the killed child's transaction")
    return int(line[1])


def _backends(url: str, application_name: str) -> int:
    with get_engine(url).connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                           {"name": application_name})


def _wait_until(condition, message: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def assert_untouched_and_usable(url: str, before: dict[str, list[tuple]]) -> None:
    after = snapshot(url)
    changed = {t: (len(before.get(t, [])), len(rows)) for t, rows in after.items() if before.get(t) != rows}
    assert changed == {}, f"tables changed by a killed write (rows before, after): {changed}"
    assert after == before
    if url.startswith("sqlite"):
        with get_engine(url).connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def file_customers(manager: User, owner: User, count: int, prefix: str, first_phone: int) -> list[int]:
    """``count`` archives of ``owner``, class C 培养型 in 价值等级, filed by one import (quicker than one by one)."""
    sheet = [["客户名称", "客户类型", "省份", "电话", "业务员", "价值等级"]]
    sheet += [[f"{prefix}{i}号", "企业", "广东", f"0755-{first_phone + i}", owner.name, "C"] for i in range(count)]
    mapping = {0: "name", 1: "customer_type", 2: "province", 3: "phone", 4: "owner", 5: "class:value"}
    with session_scope() as s:
        plan = run_import(s, s.get(User, manager.id), sheet, file_name="客户名单.xlsx",
                          options=ImportOptions(mapping=mapping))
    ids = [row.customer_id for row in plan.rows]
    assert len(ids) == count and None not in ids
    return ids


def test_a_bulk_board_move_killed_midway_changes_nothing(db):
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        scheme = s.scalars(select(ClassScheme).where(ClassScheme.code == "value")).one()
        grades = {v.code: v.id for v in s.scalars(select(ClassValue).where(ClassValue.scheme_id == scheme.id))}
    ids = file_customers(manager, rep, MOVED, "看板客户", 7700000)
    move = {"actor_id": manager.id, "scheme_id": scheme.id, "to_value_id": grades["B"],
            "seen": {str(i): grades["C"] for i in ids}, "reason": "季度评审：整体升为 B 类"}
    before, start = snapshot(db), versions(db)

    assert kill_midway(db, "move", move, freeze_at=MOVED // 2) == start + MOVED // 2  # half moved, uncommitted
    assert_untouched_and_usable(db, before)

    with session_scope() as s:  # the same move, not killed, moves them all
        assert move_many(s, s.get(User, manager.id), scheme.id, grades["B"], {i: grades["C"] for i in ids},
                         reason=move["reason"]) == MOVED
    with session_scope() as s:
        assert set(s.scalars(select(CustomerClass.value_id).where(CustomerClass.scheme_id == scheme.id))) == {
            grades["B"]}
        assert s.scalar(select(func.count()).select_from(ClassMovement)) == MOVED
    assert versions(db) == start + MOVED


def test_a_handover_killed_midway_changes_nothing(db):
    with session_scope() as s:
        manager, rep, other = make_team(s)
    ids = file_customers(manager, rep, N, "张伟的客户", 7700000)
    with session_scope() as s:
        plan_visits(s, rep, ids[:60], PlanInput(day=local_today() + dt.timedelta(days=2), method="电话-常规"))
        boss = make_user(s, "manager", name="赵经理")
        theirs = make_customer(s, make_user(s, "rep", supervisor=boss), name="别队的客户").id
        grant = request_access(s, rep, theirs, "核对往来账", local_today() + dt.timedelta(days=5))
        decide(s, boss, grant.id, True)
    targets = {i: (other.id if n % 3 else POOL) for n, i in enumerate(ids)}  # a third to the 公海
    args = {"actor_id": manager.id, "leaving_id": rep.id, "targets": {str(k): v for k, v in targets.items()},
            "reason": "张伟 2026-12 离职"}
    before, start = snapshot(db), versions(db)

    assert kill_midway(db, "handover", args, freeze_at=N // 2) == start + N // 2
    assert_untouched_and_usable(db, before)

    with session_scope() as s:
        done = hand_over(s, s.get(User, manager.id), rep.id, targets, reason=args["reason"])
        assert done == {"moved": N - len(ids[::3]), "pooled": len(ids[::3]), "plans": 60, "loans": 1}
    with session_scope() as s:
        assert {c.id: c.owner_id for c in s.scalars(select(Customer).where(Customer.id.in_(ids)))} == {
            i: (None if t == POOL else t) for i, t in targets.items()}
        assert s.get(User, rep.id).is_active is False
        assert s.scalar(select(func.count()).select_from(VisitPlan).where(VisitPlan.assignee_id == rep.id)) == 0
        assert s.get(AccessGrant, grant.id).state == "returned"


def test_an_undo_of_an_import_killed_midway_changes_nothing(db):
    with session_scope() as s:
        manager, rep, _ = make_team(s)
    old = file_customers(manager, rep, 40, "老客户", 6600000)
    sheet = [["客户名称", "客户类型", "省份", "电话", "注册资金"]]
    sheet += [[f"导入客户{i}号", "企业", "广东", f"0755-{7700000 + i}", "50万"] for i in range(N - 40)]
    sheet += [[f"老客户{i}号", None, None, f"0755-{6600000 + i}", "30万"] for i in range(40)]  # updates
    with session_scope() as s:
        plan = run_import(s, s.get(User, manager.id), sheet, file_name="十二月客户.xlsx",
                          options=ImportOptions(on_duplicate="update"))
    args = {"actor_id": manager.id, "import_id": plan.import_id, "reason": "导错了文件"}
    before, start = snapshot(db), versions(db)
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.import_id == plan.import_id)) == N

    assert kill_midway(db, "undo", args, freeze_at=N // 2) == start + N // 2
    assert_untouched_and_usable(db, before)

    with session_scope() as s:
        assert undo_import(s, s.get(User, manager.id), plan.import_id, args["reason"]) == {
            "deactivated": N - 40, "restored": 40, "kept": 0, "left": 0}
    with session_scope() as s:
        assert s.get(ImportBatch, plan.import_id).undone_at is not None
        assert s.scalar(select(func.count()).select_from(Customer).where(Customer.is_active.is_(False))) == N - 40
        assert {s.get(Customer, i).registered_capital for i in old} == {None}
    assert versions(db) == start + N
