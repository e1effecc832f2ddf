"""docs/architecture.md "How to add a field" works as written, on a fresh copy of the code: one line
in domain/fields.py, `manage.py new-migration`, and the new field is in the form, the import, the
export and the history — the database upgraded by the generated migration (the copy's own test
database is built by running every migration)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEW_FIELD = '    Field("wechat", "微信号", TEXT, BASIC, max_length=40),\n'
_NOT_CODE = shutil.ignore_patterns(".venv", ".git", "test-artifacts", ".cache", "__pycache__", ".hypothesis",
                                   ".pytest_cache", ".ruff_cache")


def IGNORED(folder: str, names: list[str]) -> set[str]:
    """What a fresh clone does not have: the tools' folders, and the root's data/ (the database)."""
    return set(_NOT_CODE(folder, names)) | ({"data"} if Path(folder) == ROOT else set())

# Runs inside the copy with its usual fixtures: every check a user of the new field would notice.
PROBE = '''
import io
import json
import os
import subprocess
import sys

import openpyxl

from db.archive_queries import CustomerFilter
from db.archives import update_customer
from db.audit import list_history
from db.engine import session_scope
from db.exports import export_customers
from db.models import Customer
from domain import roles as R
from tests import factories
from tests.pages.apptest import open_page


def test_the_new_field_is_everywhere(db, db_url, tmp_path):
    with session_scope() as s:
        admin = factories.make_user(s, R.ADMIN, username="boss")
        customer = factories.make_customer(s, admin, name="微信测试商行")
        customer_id, version = customer.id, customer.version

    at = open_page("pages/new.py", admin)
    assert any(box.label.startswith("微信号") for box in at.text_input), [b.label for b in at.text_input]

    book = openpyxl.Workbook()
    book.active.append(["客户名称", "客户类型", "省份", "微信号"])
    book.active.append(["导入微信商行", "经销商/批发", "广东", "wx_daoru"])
    book.save(tmp_path / "客户.xlsx")
    imported = subprocess.run([sys.executable, "manage.py", "import-customers", str(tmp_path / "客户.xlsx"), "--json"],
                              capture_output=True, text=True, env={**os.environ, "DATABASE_URL": db_url})
    assert json.loads(imported.stdout)["created"] == 1, imported.stdout + imported.stderr
    with session_scope() as s:
        assert s.query(Customer).filter_by(name="导入微信商行").one().wechat == "wx_daoru"

    with session_scope() as s:
        data = factories.archive_input(name="微信测试商行", wechat="wx_bianji")
        update_customer(s, admin, customer_id, data, reason="补充微信号", expected_version=version)
    with session_scope() as s:
        labels = [c.get("label") for event in list_history(s, entity="customer", entity_id=customer_id)
                  for c in event.changes or []]
        assert "微信号" in labels, labels
        workbook, _ = export_customers(s, admin, CustomerFilter())
    header = [cell.value for cell in next(openpyxl.load_workbook(io.BytesIO(workbook)).active.iter_rows(max_row=1))]
    assert "微信号" in header, header
'''


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def test_adding_a_field_as_documented(tmp_path):
    copy = tmp_path / "kedang"
    shutil.copytree(ROOT, copy, ignore=IGNORED)
    fields = copy / "domain" / "fields.py"
    source = fields.read_text(encoding="utf-8")
    anchor = ('    Field("short_name", "简称", TEXT, BASIC, max_length=40, synonyms=("简称", "客户简称"), '
              'example="好运来"),\n')
    assert anchor in source and NEW_FIELD not in source
    fields.write_text(source.replace(anchor, anchor + NEW_FIELD), encoding="utf-8")  # step 1: one line

    before = set((copy / "db" / "migrations" / "versions").glob("*.py"))
    made = run(["manage.py", "new-migration", "add wechat"], copy)  # step 2
    assert made.returncode == 0, made.stderr
    [migration] = set((copy / "db" / "migrations" / "versions").glob("*.py")) - before
    text = migration.read_text(encoding="utf-8")
    assert "add_column" in text and "'wechat'" in text and "recompute_all(op.get_bind())" in text, text
    assert not (copy / "data" / "kedang.db").exists()  # the team's database is not touched
    linted = run(["-m", "ruff", "check", str(migration)], copy)
    assert linted.returncode == 0, linted.stdout  # test.sh's lint passes on the generated file as it is

    (copy / "tests" / "db" / "test_wechat_probe.py").write_text(PROBE, encoding="utf-8")
    checked = run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/db/test_wechat_probe.py",
                   "tests/db/test_migrations.py"], copy)  # step 3, and the field in use
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
    assert "skipped" not in checked.stdout and " passed" in checked.stdout, checked.stdout[-2000:]
