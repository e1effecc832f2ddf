"""Bring any database up to the current schema with alembic (run on app start)."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import inspect, text

from db.engine import ROOT, database_url, get_engine
from domain.errors import UserFacingError


class DatabaseTooNew(UserFacingError):
    """The database was upgraded by a newer KeDang than this one."""


PREPARE_LOCK = 0x6B65_6461  # "keda": the PostgreSQL advisory lock taken while preparing the database


@contextmanager
def one_at_a_time(url: str | None = None) -> Iterator[None]:
    """Several app processes started together on one PostgreSQL take turns to upgrade the schema and
    load the reference data (each would otherwise create the same tables and rows at the same moment).
    SQLite needs nothing: its write lock already lets one writer in at a time."""
    engine = get_engine(url)
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PREPARE_LOCK})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PREPARE_LOCK})
            connection.commit()


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "db" / "migrations"))
    config.attributes["database_url"] = url or database_url()
    return config


def current_revision(url: str | None = None) -> str | None:
    engine = get_engine(url)
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


def upgrade(url: str | None = None) -> None:
    """Apply every migration not yet applied; a no-op on an up-to-date database. Refuses a database
    whose schema this version of the app does not know (upgraded by a newer KeDang)."""
    config = alembic_config(url)
    revision = current_revision(url)
    if revision is not None and not _known(config, revision):
        raise DatabaseTooNew(f"数据库的结构版本（{revision}）比本程序新：它已被更新版本的客档升级过。"
                             "请安装最新版本的客档后再启动，不要用旧版本打开，以免损坏数据。")
    command.upgrade(config, "head")


def _known(config: Config, revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(config).get_revision(revision) is not None
    except CommandError:
        return False


def new_migration(message: str) -> Path:
    """Write the migration for what changed in the models (e.g. a field added to domain/fields.py) and
    return its file. Compared against a scratch SQLite database brought to the current head, so it works
    on a fresh clone and never touches the team's database. A migration that adds columns to
    ``customers`` ends with ``recompute_all`` (db/derived.py): old archives get the new 完整度."""
    with tempfile.TemporaryDirectory(prefix="kedang-migration-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'head.db'}"
        config = alembic_config(url)
        command.upgrade(config, "head")
        script = command.revision(config, message=message, autogenerate=True)
        get_engine(url).dispose()
    path = Path(script.path)  # type: ignore[union-attr]
    source = path.read_text(encoding="utf-8")
    if "op.batch_alter_table('customers'" in source and "add_column" in source:
        recompute = "\n    recompute_all(op.get_bind())  # old archives get the new 完整度\n"
        source = source.replace("\n\ndef downgrade()", recompute + "\n\ndef downgrade()", 1)
        source = source.replace("from alembic import op\n",
                                "from alembic import op\n\nfrom db.derived import recompute_all\n", 1)
        path.write_text(source, encoding="utf-8")
    return path
