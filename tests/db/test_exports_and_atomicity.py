"""Exports show only what the user may export, neutralise formulas and are recorded;
an import killed midway leaves the database exactly as before."""
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from db.archive_queries import CustomerFilter
from db.engine import session_scope
from db.exports import export_customers
from db.models import AuditEvent, Customer, ImportBatch
from domain import roles as R
from domain.errors import PermissionDenied
from tests.factories import make_customer, make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def office(db):
    with session_scope() as s:
        manager = make_user(s, R.MANAGER)
        rep = make_user(s, R.REP, supervisor=manager)
        other = make_user(s, R.REP, supervisor=manager)
        make_customer(s, rep, name="=HYPERLINK(\"http://evil\")好运来", notes="+cmd|' /C calc'!A0")
        make_customer(s, rep, name="张伟的第二个客户")
        make_customer(s, other, name="王芳的客户")
    return manager, rep, other


def _rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_rep_exports_only_own_customers_and_formulas_are_text(office):
    _, rep, _ = office
    with session_scope() as s:
        content, count = export_customers(s, rep, CustomerFilter(), description="筛选：在用")
    rows = _rows(content)
    assert count == 2 and len(rows) == 3
    header = rows[0]
    assert header[:3] == ["档案号", "客户名称", "简称"] and "负责人" in header
    names = {r[1] for r in rows[1:]}
    assert names == {"'=HYPERLINK(\"http://evil\")好运来", "张伟的第二个客户"}
    notes = header.index("备注")
    assert any(r[notes] == "'+cmd|' /C calc'!A0" for r in rows[1:])


def test_export_is_recorded_with_who_and_what(office):
    manager, _, _ = office
    with session_scope() as s:
        _, count = export_customers(s, manager, CustomerFilter(search="客户"), description="筛选：搜索「客户」")
    with session_scope() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "export_list")).one()
        numbers = set(s.scalars(select(Customer.archive_no).where(Customer.name.like("%客户%"))))
        assert event.actor_id == manager.id and event.reason == "筛选：搜索「客户」"
        assert {c["label"]: c["new"] for c in event.changes}["导出份数"] == str(count) == "2"
        assert set({c["label"]: c["new"] for c in event.changes}["档案号"].split("、")) == numbers


def test_customer_service_may_not_export(office):
    with session_scope() as s:
        kefu = make_user(s, R.SERVICE)
    with pytest.raises(PermissionDenied), session_scope() as s:
        export_customers(s, kefu, CustomerFilter())


def test_interrupted_import_leaves_the_database_as_before(office, db_url):
    with session_scope() as s:
        before = s.scalar(select(func.count(Customer.id)))
    child = subprocess.Popen([sys.executable, "-m", "tests.db.import_child", db_url, "5000"], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdout.readline().strip() == "WRITING"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    with session_scope() as s:
        assert s.scalar(select(func.count(Customer.id))) == before
        assert s.scalar(select(func.count(ImportBatch.id))) == 0
        assert s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.import_id.is_not(None))) == 0
