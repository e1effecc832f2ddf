"""Backup and restore: the database and the documents folder in one file.

A backup is a zip holding ``manifest.json`` (format, time, database kind, schema revision, rows per
table, a SHA-256 per member), the database — SQLite through its online backup API (never a file
copy, which would miss the WAL), PostgreSQL through ``pg_dump -Fc`` — and every stored document
under ``files/``. Both are safe while people work: SQLite's backup copies a consistent snapshot,
pg_dump runs in one transaction.

``restore`` checks the whole file first (every checksum, the SQLite copy's integrity_check) and
refuses to overwrite a database that holds data unless ``force`` is given.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, inspect, select, text

from db.documents import files_dir
from db.engine import dispose_all, get_engine, session_scope
from db.models import Base, Customer, Setting
from domain.errors import UserFacingError

FORMAT = "kedang-backup-1"
SQLITE_MEMBER, PG_MEMBER = "database.sqlite", "database.pgdump"


class BackupError(UserFacingError):
    pass


@dataclass(frozen=True)
class Summary:
    path: str
    database: str      # sqlite | postgresql
    revision: str
    rows: dict[str, int]
    files: int
    created_at: str


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump/pg_restore understand it."""
    return "postgresql://" + url.split("://", 1)[1]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows(url: str) -> dict[str, int]:
    engine = get_engine(url)
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {t.name: connection.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables if t.name in present}


def _revision(url: str) -> str:
    with get_engine(url).connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version")) or ""


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[:500]}")


LAST_BACKUP_KEY = "last_backup"


def last_backup(url: str) -> dict | None:
    """When and where the last backup was written (``manage.py check``)."""
    with session_scope(url) as session:
        row = session.get(Setting, LAST_BACKUP_KEY)
        return json.loads(row.value) if row else None


def _note_backup(url: str, value: dict | None) -> None:
    with session_scope(url) as session:
        row = session.get(Setting, LAST_BACKUP_KEY)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(Setting(key=LAST_BACKUP_KEY, value=json.dumps(value, ensure_ascii=False)))
        else:
            row.value = json.dumps(value, ensure_ascii=False)


def backup(url: str, out: str | Path) -> Summary:
    """Write the backup of ``url`` (and the documents folder) to ``out``. The backup records itself
    (setting ``last_backup``, written first so the copy holds it too); a failed one is taken back."""
    out = Path(out)
    previous = last_backup(url)
    _note_backup(url, {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                       "path": str(out.resolve())})
    try:
        return _write_backup(url, out)
    except Exception:
        _note_backup(url, previous)
        raise


def _write_backup(url: str, out: Path) -> Summary:
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    with tempfile.TemporaryDirectory() as work:
        member = Path(work) / (SQLITE_MEMBER if kind == "sqlite" else PG_MEMBER)
        if kind == "sqlite":
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(member)
            with target:
                source.backup(target)  # a consistent snapshot, WAL included
            ok = target.execute("PRAGMA integrity_check").fetchone()[0]
            source.close()
            target.close()
            if ok != "ok":
                raise BackupError(f"备份的数据库完整性检查未通过：{ok}")
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(member), "--dbname", _libpq(url)],
                 "pg_dump")
        documents = [p for p in files_dir().rglob("*") if p.is_file()] if files_dir().exists() else []
        summary = Summary(str(out), kind, _revision(url), _rows(url), len(documents),
                          dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        manifest = {"format": FORMAT, "created_at": summary.created_at, "database": kind, "revision": summary.revision,
                    "rows": summary.rows, "members": {member.name: _sha256(member)}}
        partial = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.write(member, member.name)
            for path in documents:
                name = "files/" + path.relative_to(files_dir()).as_posix()
                manifest["members"][name] = _sha256(path)
                archive.write(path, name)
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(partial, out)  # a half-written backup never carries the final name
    return summary


def check(in_path: str | Path) -> dict:
    """Read and verify a backup file; returns its manifest. Raises BackupError on any problem."""
    in_path = Path(in_path)
    if not in_path.is_file():
        raise BackupError(f"找不到备份文件：{in_path}")
    try:
        with zipfile.ZipFile(in_path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise BackupError("这不是客档的备份文件（格式不符）")
            for name, digest in manifest["members"].items():
                if name.startswith("/") or ".." in Path(name).parts:
                    raise BackupError(f"备份中有不合法的文件路径：{name}")
                if hashlib.sha256(archive.read(name)).hexdigest() != digest:
                    raise BackupError(f"备份文件已损坏：{name} 的校验和不符")
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"备份文件无法读取或已损坏：{exc}") from None
    return manifest


def restore(url: str, in_path: str | Path, *, force: bool = False) -> dict:
    """Replace the database (and add the documents) with the backup's. Checks everything first."""
    manifest = check(in_path)
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    if manifest["database"] != kind:
        raise BackupError(f"这是 {manifest['database']} 数据库的备份，不能恢复到 {kind} 数据库")
    if not force and _has_data(url):
        raise BackupError("目标数据库中已有数据。恢复会覆盖全部现有数据；确认无误请加 --force")
    with tempfile.TemporaryDirectory() as work, zipfile.ZipFile(in_path) as archive:
        member = Path(archive.extract(SQLITE_MEMBER if kind == "sqlite" else PG_MEMBER, work))
        dispose_all()  # no pooled connection keeps the old database open
        if kind == "sqlite":
            source = sqlite3.connect(member)
            ok = source.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise BackupError(f"备份中的数据库完整性检查未通过：{ok}")
            _sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(_sqlite_path(url))
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--dbname", _libpq(url), str(member)], "pg_restore")
        for name in manifest["members"]:
            if name.startswith("files/"):
                target_path = files_dir() / name.removeprefix("files/")
                if not target_path.exists():  # stored under its hash: an existing file is the same file
                    target_path.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(name) as src, open(target_path, "wb") as dst:
                        shutil.copyfileobj(src, dst)
    return manifest


def _has_data(url: str) -> bool:
    engine = get_engine(url)
    if "customers" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as connection:
        return (connection.scalar(select(func.count(Customer.id))) or 0) > 0
