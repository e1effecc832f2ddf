"""The one place that creates engines and opens database sessions.

``DATABASE_URL`` picks the database (``postgresql+psycopg://user@host/db`` for a
team); the default is a SQLite file under data/, with WAL, foreign keys and a
busy timeout, and write transactions that take the write lock up front.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from domain.errors import BusyError, ConflictError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "data" / "kedang.db"
SQLITE_BUSY_MS = 30_000
# PostgreSQL: serialization failure and deadlock detected. The transaction is rolled back whole.
TRANSIENT_SQLSTATES = ("40001", "40P01")
READ_ONLY_OPTION = "kedang_read_only"

_makers: dict[str, sessionmaker[Session]] = {}
T = TypeVar("T")


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def to_json(value: Any) -> str:
    """The text a JSON column stores (history changes, import summaries, templates): orjson, several
    times faster than json.dumps, which an import of thousands of new archives spent most of its
    history write on. Number keys become text, as json.dumps does; Chinese stays readable."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, json_serializer=to_json)
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000}, json_serializer=to_json)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Take the write lock at the start: a deferred transaction that reads and
        # then writes fails with "database is locked" even with a busy timeout.
        # A unit of work that only reads (session_scope(read_only=True)) takes no lock, so a long
        # report neither waits for writers nor holds up anyone (WAL gives it a snapshot).
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def get_engine(url: str | None = None) -> Engine:
    return _sessionmaker(url or database_url()).kw["bind"]


def _sessionmaker(url: str) -> sessionmaker[Session]:
    if url not in _makers:
        _makers[url] = sessionmaker(bind=_make_engine(url), expire_on_commit=False)
    return _makers[url]


@contextmanager
def session_scope(url: str | None = None, *, read_only: bool = False) -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back on any error, always closes.

    A save that lost a race ends as a Chinese ``ConflictError`` (a record changed since it was read:
    its version moved) or ``BusyError`` (the database's own lock or deadlock refusal), never as a
    traceback; either way the whole unit was rolled back and the user can try again.

    ``read_only=True`` is for reports and cached reads: on SQLite it takes no write lock (see
    _make_engine), and any attempt to write in it is a bug that raises."""
    try:
        with _sessionmaker(url or database_url()).begin() as session:
            if read_only:
                session.info["read_only"] = True
                session.connection(execution_options={READ_ONLY_OPTION: True})
            yield session
    except StaleDataError as exc:
        raise ConflictError("保存失败：这条记录刚刚被他人修改，您的这次操作没有保存，请刷新后重试") from exc
    except DBAPIError as exc:
        if is_transient(exc):
            raise BusyError() from exc
        raise
    if session.info.get("wrote"):
        _bump_data_version()


def is_transient(exc: DBAPIError) -> bool:
    """A refusal that says nothing about the data, only about timing: trying again may succeed."""
    if getattr(exc.orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def retrying(work: Callable[[Session], T], *, attempts: int = 3, url: str | None = None) -> T:
    """Run ``work`` as one unit of work, again (after a short pause) if the database refused it for
    timing alone; for jobs with nobody to click 重试 (manage.py, the daily 公海 sweep)."""
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(url) as session:
                return work(session)
        except BusyError:
            if attempt == attempts:
                raise
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


# --- the data version: cached read results (the dashboard's) are keyed by it -------------------
_data_version = 0


def data_version() -> int:
    """Goes up after every committed unit of work that wrote anything in this process, so a cache
    keyed by it never shows numbers from before a save (other processes: the cache's short TTL)."""
    return _data_version


def _bump_data_version() -> None:
    global _data_version
    _data_version += 1


@event.listens_for(Session, "before_flush")
def _refuse_writes_when_read_only(session: Session, _context, _instances) -> None:
    if session.info.get("read_only") and (session.new or session.dirty or session.deleted):
        raise RuntimeError("a read-only unit of work tried to write")


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    # Rows of a pure log (``LOG_ONLY``, e.g. the reading log) change no number anyone caches.
    if any(not getattr(row, "LOG_ONLY", False) for row in (*session.new, *session.dirty, *session.deleted)):
        session.info["wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


def dispose_all() -> None:
    """Close every pooled connection (tests, and before forking app processes)."""
    for maker in _makers.values():
        maker.kw["bind"].dispose()
    _makers.clear()
