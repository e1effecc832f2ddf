"""Backup and restore: every table comes back row by row, with the documents; a damaged file or a
database with data (without --force) is refused and nothing changes."""
import json
import subprocess
import sys
import zipfile

import pytest
from sqlalchemy import select, text

from db.backup import BackupError, backup, check, restore
from db.documents import read, upload
from db.engine import get_engine, session_scope
from db.followups import log_follow_up
from db.models import Base, Customer
from domain.followups import FollowUpInput
from domain.formatting import local_today
from tests.factories import make_customer, make_team

PDF = b"%PDF-1.4\n%%EOF\n"


def snapshot(url) -> dict[str, list]:
    with get_engine(url).connect() as connection:
        return {t.name: sorted(map(repr, connection.execute(select(t)).all())) for t in Base.metadata.sorted_tables}


@pytest.fixture
def filled(db, db_url):
    with session_scope() as s:
        manager, rep, _ = make_team(s)
        customer_id = make_customer(s, rep, name="备份客户", contacts=[{"name": "张三", "mobile": "13800138000"}]).id
        log_follow_up(s, rep, customer_id, FollowUpInput(day=local_today(), method="电话跟进", summary="确认订单"))
        document_id = upload(s, rep, customer_id, category="营业执照", name="执照.pdf", data=PDF).id
    return manager, rep, customer_id, document_id


def test_backup_change_restore_gives_back_every_row(filled, db_url, tmp_path):
    manager, rep, customer_id, document_id = filled
    out = tmp_path / "kedang.zip"
    summary = backup(db_url, out)
    assert summary.rows["customers"] == 1 and summary.files >= 1
    before = snapshot(db_url)
    with session_scope() as s:
        s.get(Customer, customer_id).address = "改过的地址"
        make_customer(s, rep, name="备份之后新建的客户")
    with pytest.raises(BackupError, match="已有数据"):
        restore(db_url, out)
    assert snapshot(db_url) != before
    restore(db_url, out, force=True)
    assert snapshot(db_url) == before
    with session_scope() as s:
        assert read(s, rep, document_id)[1] == PDF


def test_a_damaged_backup_is_refused_before_anything_changes(filled, db_url, tmp_path):
    out = tmp_path / "kedang.zip"
    backup(db_url, out)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("database."):
                middle = len(data) // 2
                data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]  # one flipped byte
            target.writestr(item, data)
    before = snapshot(db_url)
    with pytest.raises(BackupError, match="已损坏"):
        restore(db_url, damaged, force=True)
    with pytest.raises(BackupError, match="找不到备份文件"):
        check(tmp_path / "missing.zip")
    assert snapshot(db_url) == before


def test_backup_while_someone_writes(filled, db_url, tmp_path):
    """SQLite's online backup (and pg_dump's transaction) take a consistent copy during writes."""
    import threading

    _, rep, customer_id, _ = filled
    stop = threading.Event()

    def write():
        n = 0
        while not stop.is_set():
            with session_scope() as s:
                log_follow_up(s, rep, customer_id,
                              FollowUpInput(day=local_today(), method="电话跟进", summary=f"写入{n}"))
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        backup(db_url, tmp_path / "busy.zip")
    finally:
        stop.set()
        writer.join()
    assert check(tmp_path / "busy.zip")["rows"]["follow_ups"] >= 1


def test_manage_backup_and_restore_commands(filled, db_url, tmp_path):
    env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin", "KEDANG_DEMO": "0",
           "KEDANG_FILES_DIR": str(tmp_path / "files")}
    out = tmp_path / "cli.zip"
    made = subprocess.run([sys.executable, "manage.py", "backup", str(out)], env=env, capture_output=True, text=True)
    assert made.returncode == 0 and made.stdout.startswith("备份完成"), made.stderr
    refused = subprocess.run([sys.executable, "manage.py", "restore", str(out)], env=env, capture_output=True,
                             text=True)
    assert refused.returncode == 1 and "加 --force" in refused.stderr
    done = subprocess.run([sys.executable, "manage.py", "restore", str(out), "--force"], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0 and done.stdout.startswith("恢复完成"), done.stderr
    with get_engine(db_url).connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM customers")) == 1
        restored = connection.execute(text("SELECT reason FROM audit_events WHERE action = 'restore'")).scalars().all()
    assert len(restored) == 1 and restored[0].startswith("从备份 cli.zip 恢复")  # the history says it was restored


def test_manage_check_reports_what_needs_an_admin(filled, db_url, tmp_path):
    env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin", "KEDANG_DEMO": "0",
           "KEDANG_FILES_DIR": str(tmp_path / "files")}
    command = [sys.executable, "manage.py", "check", "--json"]
    before = subprocess.run(command, env=env, capture_output=True, text=True)
    report = json.loads(before.stdout)
    assert before.returncode == 1 and report["schema"] == report["schema_head"]
    assert report["problems"] == ["还没有备份（manage.py backup）"]
    backup(db_url, tmp_path / "b.zip")
    after = subprocess.run(command, env=env, capture_output=True, text=True)
    assert after.returncode == 0 and json.loads(after.stdout)["last_backup"]["path"].endswith("b.zip")
    down = subprocess.run(command, env={**env, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
                          capture_output=True, text=True)
    assert down.returncode == 1 and json.loads(down.stdout)["problems"][0].startswith("数据库无法连接")
