"""Upgrading keeps every row (issue 9 §6): a database built at an old revision, with rows in every table,
is upgraded to head and still holds every row with the same value in every column it had; the columns
added since hold sensible values, and the app's models load every row.

Generic on purpose: the tables and columns are read from the database at each revision (reflection) and
values are made per column type, so a new migration is covered without editing this file. Realistic
Chinese rows for the core tables also exercise the data migrations (class flags, preloaded cadence
rules, the 公海 clock, customer service's scope). A migration that fills an old column or adds rows
to a table fails here until it is described in tests/db/upgrade_rules.py.
"""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from db.engine import get_engine
from db.migrate import alembic_config
from db.models import Base
from tests.db.upgrade_rules import NEW_COLUMNS, REALISTIC, REWRITTEN, UPGRADE_DAY, Ref, Registry, Stored, migration_rows

# --- values per column type -----------------------------------------------------------------------

def _generated(column: sa.Column, n: int) -> Any:
    """A value of the column's type for the table's n-th row (n keeps unique columns unique)."""
    kind, name = column.type, column.name
    if isinstance(kind, sa.Boolean):
        return n % 2 == 0
    if isinstance(kind, sa.DateTime):
        return dt.datetime(2025, 3, 14, 9, 30, 15, 250_000) + dt.timedelta(days=n, minutes=n)
    if isinstance(kind, sa.Date):
        return dt.date(2025, 3, 14) + dt.timedelta(days=n)
    if isinstance(kind, sa.Time):
        return dt.time(9 + n % 9, 30, 45)
    if isinstance(kind, sa.Float):
        return 1767225600.25 + n
    if isinstance(kind, sa.Numeric):
        return Decimal(f"{1280 + n}.50")
    if isinstance(kind, sa.Integer):
        return {"year": 2001 + n, "month": n % 12 + 1}.get(name, 10 + n)
    if isinstance(kind, sa.JSON):
        return {"说明": f"第{n}条记录", "列表": [n, "二"], "是否": True}
    if isinstance(kind, sa.Enum):
        return kind.enums[n % len(kind.enums)]
    if isinstance(kind, sa.String):  # String, Text
        text = f"客档{name}" if kind.length else f"客档样例文本：{name}，第{n}条，含换行\n与引号'\"。"
        return f"{text[:kind.length - len(str(n))]}{n}" if kind.length else text
    raise AssertionError(f"{column.table.name}.{name}: no value for type {kind!r}; teach _generated this type")


def _db_assigns(table: sa.Table, column: sa.Column) -> bool:
    return column.primary_key and column.name == "id" and len(table.primary_key.columns) == 1


def _new_row(table: sa.Table, given: dict[str, Any], k: int, reg: Registry) -> dict[str, Any]:
    """One row for ``table``: the realistic values given, references to rows inserted before, the rest generated."""
    n = len(reg.rows.get(table.name, []))
    row = {c: (reg.rows[v.table][v.index].values["id"] if isinstance(v, Ref) else v)
           for c, v in given.items() if c in table.c}
    for fk in table.foreign_key_constraints:
        columns = [c.name for c in fk.columns]
        if any(c in row for c in columns):
            continue
        parents = reg.rows.get(fk.referred_table.name, [])
        if not parents:
            assert all(c.nullable for c in fk.columns), f"{table.name}: nothing to refer to for {columns}"
            row.update(dict.fromkeys(columns, None))
            continue
        parent = parents[-1 - k % len(parents)].values  # the newest rows: composite keys of references stay unique
        row.update({c.parent.name: parent[c.column.name] for c in fk.elements})
    for column in table.c:
        if column.name not in row and not _db_assigns(table, column):
            row[column.name] = _generated(column, n)
    return row


def _fill(conn: sa.Connection, meta: sa.MetaData, reg: Registry) -> None:
    """Insert rows into every table, parents first: the realistic ones the first time, else two generated."""
    refs = [(meta.tables[v.table], meta.tables[name]) for name, rows in REALISTIC.items() if name in meta.tables
            for row in rows for v in row.values() if isinstance(v, Ref) and v.table != name]  # audit_events.entity_id
    for table in sa.schema.sort_tables(meta.tables.values(), extra_dependencies=refs):
        if table.name == "alembic_version":
            continue
        first = table.name not in reg.rows
        for k, given in enumerate(REALISTIC.get(table.name, [{}, {}]) if first else [{}, {}]):
            row = _new_row(table, given, k, reg)
            key = conn.execute(table.insert().values(row)).inserted_primary_key
            row.update(zip((c.name for c in table.primary_key.columns), key))
            reg.rows.setdefault(table.name, []).append(Stored(row, reg.current))


# --- checking ---------------------------------------------------------------------------------------

def _check(conn: sa.Connection, meta: sa.MetaData, reg: Registry) -> list[str]:
    """Every stored row is there with its values; new columns and rows added by migrations are sensible."""
    problems = [f"{name}: the table is gone" for name in reg.rows if name not in meta.tables]
    for table in meta.sorted_tables:
        if table.name == "alembic_version":
            continue
        pk = [c.name for c in table.primary_key.columns]
        found = {tuple(r[c] for c in pk): r for r in conn.execute(sa.select(table)).mappings()}
        for stored in reg.rows.get(table.name, []):
            key = tuple(stored.values[c] for c in pk)
            row = found.pop(key, None)
            if row is None:
                problems.append(f"{table.name} {dict(zip(pk, key))}: the row is lost")
                continue
            problems += _old_columns(table, stored, row, reg) + _new_columns(table, stored.values, row, reg)
        problems += migration_rows(table.name, list(found.values()), reg)
    return problems


def _old_columns(table: sa.Table, stored: Stored, row: sa.RowMapping, reg: Registry) -> list[str]:
    problems = []
    for column, inserted in stored.values.items():
        expected = inserted
        for revision, rule in REWRITTEN.get((table.name, column), []):
            if reg.applied(revision) and stored.at < reg.revisions.index(revision):
                expected = rule({**stored.values, column: expected}, reg)
        if column not in row or row[column] != expected:
            problems.append(f"{table.name} {stored.values.get('id', '')}.{column}: {expected!r} became "
                            f"{row.get(column, '<no such column>')!r}")
    return problems


def _new_columns(table: sa.Table, inserted: dict[str, Any], row: sa.RowMapping, reg: Registry) -> list[str]:
    problems = []
    for column in table.c:
        if column.name in inserted:
            continue
        value, rule, default = row[column.name], NEW_COLUMNS.get((table.name, column.name)), _literal(column)
        if rule is not None:
            expected = rule(inserted, reg)
            ok = value in reg.upgrade_days if expected == UPGRADE_DAY else value == expected
        elif column.nullable:
            expected, ok = "NULL (a new nullable column)", value is None
        elif default is not None:
            expected = f"its server default {default}"
            ok = str(value).lower() == default or (isinstance(value, bool) and default == ("1" if value else "0"))
        else:
            expected, ok = "a value (a new NOT NULL column)", value is not None
        if not ok:
            problems.append(f"{table.name} {inserted.get('id', inserted)}: new column {column.name} holds "
                            f"{value!r}, expected {expected} (describe a migration's fill in NEW_COLUMNS)")
    return problems


def _literal(column: sa.Column) -> str | None:
    """The column's server default when it is a plain literal ('1', 'true', 'abc'), lower case; else None."""
    if column.server_default is None:
        return None
    text = str(getattr(column.server_default, "arg", "")).split("::")[0].strip().strip("()").strip("'").lower()
    return None if "(" in text else text


def _check_now(engine: sa.Engine, reg: Registry, when: str) -> sa.MetaData:
    meta = sa.MetaData()
    meta.reflect(bind=engine)
    for name in meta.tables:
        reg.born.setdefault(name, reg.current)
    with engine.connect() as conn:
        problems = _check(conn, meta, reg)
    assert problems == [], f"{when}:\n" + "\n".join(problems)
    return meta


def _upgrade_through(url: str, steps: list[str], insert_at_every_step: bool) -> tuple[Registry, sa.MetaData]:
    """Upgrade revision by revision through ``steps``, checking every row after each; insert rows at the
    first step (or at every one)."""
    config, engine, reg = alembic_config(url), get_engine(url), Registry(_revisions(url))
    for revision in steps:
        reg.upgrade_days.add(dt.date.today())
        command.upgrade(config, revision)
        reg.upgrade_days.add(dt.date.today())
        reg.current = reg.revisions.index(revision)
        meta = _check_now(engine, reg, f"after the upgrade to {revision}")
        if revision == steps[0] or insert_at_every_step:
            with engine.begin() as conn:
                _fill(conn, meta, reg)
            _check_now(engine, reg, f"right after inserting at {revision} (a value does not round-trip)")
    return reg, meta


def _revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    assert len(script.get_heads()) == 1, f"migrations have several heads: {script.get_heads()}"
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _models_load_every_row(url: str, meta: sa.MetaData) -> None:
    """The app's models read the upgraded rows (JSON, decimals, dates, booleans) and see them all."""
    assert set(Base.metadata.tables) == set(meta.tables) - {"alembic_version"}
    with Session(get_engine(url)) as session, session.begin():
        for mapper in Base.registry.mappers:
            table = meta.tables[mapper.local_table.name]
            loaded = session.scalars(sa.select(mapper.class_)).all()
            assert len(loaded) == session.scalar(sa.select(sa.func.count()).select_from(table)), mapper


@pytest.fixture
def fresh_url(tmp_path):
    """An empty database (no migration applied) on the configured backend."""
    from tests.conftest import _create_pg_database

    if os.environ.get("KEDANG_TEST_DB", "sqlite") == "postgres":
        url, cleanup = _create_pg_database()
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
        cleanup = get_engine(url).dispose
    yield url
    cleanup()


def test_a_database_filled_at_the_first_revision_keeps_every_row_at_head(fresh_url):
    revisions = _revisions(fresh_url)
    reg, meta = _upgrade_through(fresh_url, [revisions[0], revisions[-1]], insert_at_every_step=False)
    assert set(reg.rows) == {t for t, at in reg.born.items() if at == 0} - {"alembic_version"}
    assert {"users", "customers", "contacts", "audit_events"} <= set(reg.rows)
    _models_load_every_row(fresh_url, meta)  # cadence_rules and service_scopes hold the migrations' rows


def test_rows_put_in_at_every_revision_survive_every_later_migration(fresh_url):
    revisions = _revisions(fresh_url)
    reg, meta = _upgrade_through(fresh_url, revisions, insert_at_every_step=True)
    tables = set(meta.tables) - {"alembic_version"}
    assert set(reg.rows) == tables
    for name in tables:  # every revision put rows into every table that existed then
        assert {s.at for s in reg.rows[name]} == set(range(reg.born[name], len(revisions))), name
    _models_load_every_row(fresh_url, meta)
