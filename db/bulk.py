"""Many new rows into one table, as fast as the database takes them: PostgreSQL's COPY, SQLite's own
executemany, else a Core insert. For the import's new archives, contacts, classes and history
(db/imports.py) and the contact status it refreshes (db/cadence.py).

Both fast paths skip SQLAlchemy's per-row parameter handling (most of an import's write time), so what
a Core insert would add is added here: a column's Python-side default (``default=utcnow``,
``default=list``) when the rows leave it out, and each value as the column's type binds it (JSON as
JSON text; on SQLite also dates as text and booleans as 0/1, by the type's own bind processor).
The rows are plain dicts with the same keys, as for ``session.execute(table.insert(), rows)``.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from sqlalchemy import JSON, Table
from sqlalchemy.orm import Session

from db.engine import to_json


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column name → value, all with the same keys) in the caller's transaction."""
    if not rows:
        return
    dialect = session.bind.dialect.name
    if dialect not in ("postgresql", "sqlite"):
        session.execute(table.insert(), rows)
        return
    given = list(rows[0])
    defaults = {c.name: c.default.arg for c in table.columns
                if c.name not in given and c.default is not None and not c.default.is_sequence
                and not c.primary_key}
    columns = given + list(defaults)
    fixed = [arg(None) if callable(arg) else arg for arg in defaults.values()]
    names = ", ".join(f'"{name}"' for name in columns)
    session.info["wrote"] = True  # as a Core insert would mark it (db/engine: cached reads follow writes)
    if dialect == "sqlite":
        _sqlite_executemany(session, table, columns, f'INSERT INTO "{table.name}" ({names}) VALUES '
                                                     f'({", ".join("?" * len(columns))})',
                            ([row[name] for name in given] + fixed for row in rows))
        return
    as_json = {i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)}
    with session.connection().connection.driver_connection.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            values = [row[name] for name in given] + fixed
            for i in as_json:
                values[i] = None if values[i] is None else to_json(values[i])
            copy.write_row(values)


def _sqlite_executemany(session: Session, table: Table, columns: list[str], sql: str, rows) -> None:
    dialect = session.bind.dialect
    binders: list[tuple[int, Callable[[Any], Any]]] = []
    for i, name in enumerate(columns):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            binders.append((i, process))
    params = []
    for values in rows:
        for i, process in binders:
            values[i] = process(values[i])
        params.append(values)
    session.connection().connection.driver_connection.executemany(sql, params)
