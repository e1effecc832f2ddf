"""Test database per run: SQLite by default, PostgreSQL with KEDANG_TEST_DB=postgres.

With CI=true a missing PostgreSQL is a failure, not a skip.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid

import pytest
from sqlalchemy import text


def _a_zone_where_it_is_morning() -> str:
    """The team's time zone for a test run: a whole-hour zone where it is now about 06:00.

    Tests take "today" once and the app asks the clock again later; a run that crossed the team's
    midnight (it once did, in Shanghai, at 16:00 UTC) would see two different days. From 06:00 a
    run has 18 hours before the next midnight. Servers the tests start inherit the zone.
    Tests about a particular zone set KEDANG_TZ themselves."""
    hours_east = 6 - dt.datetime.now(dt.timezone.utc).hour
    if hours_east < -12:
        hours_east += 24
    return f"Etc/GMT{-hours_east:+d}"  # POSIX names count west: Etc/GMT-8 is UTC+8


os.environ.setdefault("KEDANG_TZ", _a_zone_where_it_is_morning())
os.environ.setdefault("KEDANG_BCRYPT_ROUNDS", "4")
os.environ.setdefault("KEDANG_DEMO", "0")
os.environ.setdefault("KEDANG_FILES_DIR", tempfile.mkdtemp(prefix="kedang-files-"))  # attached documents
os.environ.setdefault("KEDANG_LOG_DIR", tempfile.mkdtemp(prefix="kedang-logs-"))  # the error log

from db.engine import dispose_all, session_scope  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import Base  # noqa: E402
from db.seed import ensure_reference_data  # noqa: E402

PG_SERVER = os.environ.get("KEDANG_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)", pytrace=False)
    pytest.skip(reason)


def _create_pg_database() -> tuple[str, callable]:
    import psycopg

    admin_url = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/test"
    name = f"kedang_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        unavailable(f"PostgreSQL 不可用（{admin_url}）：{exc}")

    def drop() -> None:
        dispose_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{PG_SERVER}/{name}", drop


def make_database(tmp_path_factory) -> tuple[str, callable]:
    """A fresh, migrated database for the configured backend; returns (url, cleanup)."""
    if os.environ.get("KEDANG_TEST_DB", "sqlite") == "postgres":
        url, cleanup = _create_pg_database()
    else:
        url, cleanup = f"sqlite:///{tmp_path_factory.mktemp('db') / 'kedang.db'}", dispose_all
    upgrade(url)
    return url, cleanup


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    url, cleanup = make_database(tmp_path_factory)
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    yield url
    if previous is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = previous
    cleanup()


@pytest.fixture
def db(db_url):
    """An empty database (reference data only) for one test."""
    with session_scope(db_url) as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())
        if session.bind.dialect.name == "postgresql":
            session.execute(text("SELECT 1"))
        ensure_reference_data(session)
    return db_url
