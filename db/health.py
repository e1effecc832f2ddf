"""``manage.py check``: is the installation healthy — database reachable and up to date, backups
recent, the 公海 sweep running, the documents folder writable, no two live archives sharing a 税号."""
from __future__ import annotations

import datetime as dt
import tempfile

from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from db.backup import last_backup
from db.documents import files_dir
from db.engine import get_engine, session_scope
from db.migrate import alembic_config, current_revision
from db.models import Customer
from db.pool import last_sweep

BACKUP_OLD_DAYS = 2


def check(url: str) -> dict:
    """A JSON-able report; ``ok`` is False when something needs an admin."""
    report: dict = {"database": url.split("://", 1)[0].split("+")[0], "problems": []}
    try:
        with get_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        report["problems"].append(f"数据库无法连接：{str(exc).splitlines()[0][:200]}")
        report["ok"] = False
        return report
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    report["schema"] = current_revision(url)
    report["schema_head"] = head
    if report["schema"] != head:
        report["problems"].append(f"数据库结构版本 {report['schema']} 不是最新（{head}），请运行 manage.py migrate")
    backup = last_backup(url) if report["schema"] == head else None
    report["last_backup"] = backup
    if backup is None:
        report["problems"].append("还没有备份（manage.py backup）")
    elif (dt.datetime.fromisoformat(backup["at"])
          < dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=BACKUP_OLD_DAYS)):
        report["problems"].append(f"最近一次备份在 {backup['at']}，已超过 {BACKUP_OLD_DAYS} 天")
    if report["schema"] == head:
        with session_scope(url) as session:
            swept = last_sweep(session)
            shared = session.scalar(select(func.count(Customer.id)).where(
                Customer.tax_key.contains("#"), Customer.deleted_at.is_(None)))
        report["pool_sweep_last"] = swept.isoformat() if swept else None
        report["shared_tax_numbers"] = shared
        if shared:  # filed before the one-archive-per-税号 rule (migration 482e2cbb0d6d)
            report["problems"].append(f"{shared} 份档案与另一份在用档案税号相同（规则生效前登记），"
                                      "请核对后更正税号或删除重复的档案")
    folder = files_dir()
    report["files_dir"] = str(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
        report["files_writable"] = True
    except OSError as exc:
        report["files_writable"] = False
        report["problems"].append(f"附件目录不可写：{folder}（{exc.strerror}）")
    report["ok"] = not report["problems"]
    return report
