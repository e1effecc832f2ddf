"""Many new rows into one table, as fast as the database takes them: PostgreSQL's COPY, else one
executemany. For the import's new archives, contacts, classes and history (db/imports.py).

COPY skips SQLAlchemy, so what a Core insert would add is added here: a column's Python-side default
(``default=utcnow``, ``default=list``) when the rows leave it out, and JSON columns as JSON text.
The rows are plain dicts with the same keys, as for ``session.execute(table.insert(), rows)``.
"""
from __future__ import annotations

import json
from typing import Any, Sequence

from sqlalchemy import JSON, Table
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column name → value, all with the same keys) in the caller's transaction."""
    if not rows:
        return
    if session.bind.dialect.name != "postgresql":
        session.execute(table.insert(), rows)
        return
    given = list(rows[0])
    defaults = {c.name: c.default.arg for c in table.columns
                if c.name not in given and c.default is not None and not c.default.is_sequence
                and not c.primary_key}
    columns = given + list(defaults)
    as_json = {i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)}
    fixed = [arg(None) if callable(arg) else arg for arg in defaults.values()]
    names = ", ".join(f'"{name}"' for name in columns)
    session.info["wrote"] = True  # as a Core insert would mark it (db/engine: cached reads follow writes)
    with session.connection().connection.driver_connection.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            values = [row[name] for name in given] + fixed
            for i in as_json:
                values[i] = None if values[i] is None else json.dumps(values[i], ensure_ascii=False)
            copy.write_row(values)
