"""Upgrading keeps every row (issue 9 §6): a database built at an old revision, with rows in every table,
is upgraded to head and still holds every row with the same value in every column it had; the columns
added since hold sensible values, and the app's models load every row.

Generic on purpose: the tables and columns are read from the database at each revision (reflection) and
values are made per column type, so a new migration is covered without editing this file. Realistic
Chinese rows for the core tables also exercise the data migrations (class flags, preloaded cadence
rules, the 公海 clock, customer service's scope). A migration that fills an old column or adds rows
to a table fails here until it is described in NEW_COLUMNS / MIGRATION_ROWS below.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from db.derived import contact_columns, customer_columns
from db.engine import get_engine
from db.migrate import alembic_config
from db.models import Base
from domain.normalize import phone_or_as_is


@dataclass(frozen=True)
class Ref:
    """The id of the ``index``-th row this test put into ``table``."""
    table: str
    index: int


USERS, CUSTOMERS, SCHEMES, VALUES = "users", "customers", "class_schemes", "class_values"
REALISTIC: dict[str, list[dict[str, Any]]] = {  # the first rows of these tables; other columns get generated values
    USERS: [
        {"username": "manager", "name": "李建国", "role": "manager", "supervisor_id": None, "is_active": True},
        {"username": "zhangwei", "name": "张伟", "role": "rep", "supervisor_id": Ref(USERS, 0), "is_active": True},
        {"username": "kefu", "name": "陈静", "role": "service", "supervisor_id": Ref(USERS, 0), "is_active": True},
    ],
    SCHEMES: [{"code": "importance", "name": "重要性"}, {"code": "value", "name": "价值等级"},
              {"code": "lifecycle", "name": "生命周期"}, {"code": "distribution", "name": "分销类型"}],
    VALUES: [
        {"scheme_id": Ref(SCHEMES, 0), "code": "key", "name": "重点客户", "meaning": "贡献大、忠诚度高", "color": "#d62728"},
        {"scheme_id": Ref(SCHEMES, 0), "code": "normal", "name": "普通客户", "is_retired": False},
        {"scheme_id": Ref(SCHEMES, 1), "code": "A", "name": "A 战略合作", "is_retired": False},
        {"scheme_id": Ref(SCHEMES, 1), "code": "E", "name": "E 计划淘汰", "is_retired": False},
        {"scheme_id": Ref(SCHEMES, 2), "code": "lost", "name": "流失客户", "is_retired": False},
        {"scheme_id": Ref(SCHEMES, 3), "code": "exclusive", "name": "独家型", "meaning": "每区域一家"},
    ],
    CUSTOMERS: [
        {"archive_no": "KD-GD-2025-0001", "owner_id": Ref(USERS, 1), "created_by_id": Ref(USERS, 1),
         "review_state": "filed", "is_active": True, "name": "深圳好运来餐饮有限公司", "short_name": "好运来",
         "customer_type": "餐饮", "province": "广东", "city": "深圳", "district": "南山区",
         "address": "深圳市南山区科技园南路88号", "phone": "0755-26881234", "name_key": "深圳好运来餐饮",
         "phone_key": "075526881234", "legal_rep": "王建华", "tax_no": "91440300MA5F0ABC1X",
         "tax_key": "91440300MA5F0ABC1X", "registered_capital": Decimal("500000.00"),
         "founded_on": dt.date(2016, 5, 18), "staff_count": 45, "notes": "老板喜欢喝茶，周二下午方便拜访"},
        {"archive_no": "KD-ZJ-2025-0002", "owner_id": None, "created_by_id": Ref(USERS, 0),  # in the 公海
         "review_state": "pending", "is_active": True, "name": "杭州大发商贸有限公司", "short_name": "大发商贸",
         "customer_type": "经销商/批发", "province": "浙江", "city": "杭州", "phone": "0571-88776655",
         "name_key": "杭州大发商贸", "phone_key": "057188776655"},
        {"archive_no": "KD-GD-2025-0003", "owner_id": Ref(USERS, 1), "created_by_id": Ref(USERS, 1),  # a branch:
         "review_state": "filed", "is_active": True, "name": "深圳好运来餐饮有限公司福田分店",  # same 税号
         "customer_type": "餐饮", "province": "广东", "city": "深圳", "district": "福田区",
         "name_key": "深圳好运来餐饮福田分店", "phone_key": "075583216543", "tax_no": "91440300MA5F0ABC1X",
         "tax_key": "91440300MA5F0ABC1X"},
    ],
    "contacts": [
        {"customer_id": Ref(CUSTOMERS, 0), "name": "王建华", "role": "决策人", "title": "总经理",
         "mobile": "138 0013 8000", "mobile_key": "13800138000", "birthday": dt.date(1975, 5, 20),
         "hobbies": "钓鱼、喝茶", "education": "本科"},
        {"customer_id": Ref(CUSTOMERS, 1), "name": "刘芳", "role": "财务", "title": "财务主管",
         "mobile": "13912345678", "mobile_key": "13912345678"},
    ],
    "customer_classes": [
        {"customer_id": Ref(CUSTOMERS, 0), "scheme_id": Ref(SCHEMES, 0), "value_id": Ref(VALUES, 0)},
        {"customer_id": Ref(CUSTOMERS, 0), "scheme_id": Ref(SCHEMES, 1), "value_id": Ref(VALUES, 2)},
        {"customer_id": Ref(CUSTOMERS, 1), "scheme_id": Ref(SCHEMES, 2), "value_id": Ref(VALUES, 4)},
    ],
    "customer_products": [{"customer_id": Ref(CUSTOMERS, 0), "product": "客档特曲 52度 500ml",
                           "purchase_price": Decimal("168.00"), "shelf_price": Decimal("238.00"), "supplier": "华润"}],
    "competitor_products": [{"customer_id": Ref(CUSTOMERS, 0), "product": "洋河海之蓝", "tier": "中档",
                             "price": Decimal("158.00"), "notes": "堆头陈列，节前促销"}],
    "monthly_sales": [{"customer_id": Ref(CUSTOMERS, 0), "year": 2025, "product": "客档特曲 52度 500ml",
                       "month": month, "quantity": quantity} for month, quantity in ((1, 120), (2, 95))],
    "archive_sequences": [{"region": "GD", "year": 2025, "last_value": 1}, {"region": "ZJ", "year": 2025,
                                                                           "last_value": 2}],
    "settings": [{"key": "escalate_after_days", "value": "3"}, {"key": "masked_roles", "value": '["service"]'}],
    "login_attempts": [{"username": "zhangwei", "failures": 2}],
    "audit_events": [{"actor_id": Ref(USERS, 1), "entity": "customer", "entity_id": Ref(CUSTOMERS, 0),
                      "action": "create", "reason": "新客户建档",
                      "changes": [{"field": "name", "label": "客户名称", "old": None, "new": "深圳好运来餐饮有限公司"}]}],
}

UPGRADE_DAY = "<the day the upgrade ran>"


@dataclass
class Stored:
    values: dict[str, Any]   # every column given at insert time, the database's id included
    at: int                  # inserted at revisions[at]


@dataclass
class Registry:
    revisions: list[str]                                      # base → head
    current: int = -1                                         # the revision the database is at
    rows: dict[str, list[Stored]] = field(default_factory=dict)
    born: dict[str, int] = field(default_factory=dict)        # table → the revision that created it
    upgrade_days: set[dt.date] = field(default_factory=set)

    def find(self, table: str, row_id: Any) -> dict[str, Any]:
        return next(s.values for s in self.rows[table] if s.values["id"] == row_id)

    def before(self, table: str, revision: str | int) -> list[dict[str, Any]]:
        """The rows of ``table`` inserted before ``revision`` (an id, or an index of revisions) ran."""
        at = revision if isinstance(revision, int) else self.revisions.index(revision)
        return [s.values for s in self.rows.get(table, []) if s.at < at]

    def applied(self, revision: str) -> bool:
        return revision in self.revisions[:self.current + 1]


def _class_of(value: dict[str, Any], reg: Registry) -> tuple[str, str]:
    return reg.find(SCHEMES, value["scheme_id"])["code"], value["code"]


Rule = Callable[[dict[str, Any], Registry], Any]  # (a row as inserted, the registry) → the value expected
# What a column added by a migration holds in rows that existed before it. Unlisted: NULL when nullable;
# when NOT NULL, its server default if that is a literal, else anything but NULL.
NEW_COLUMNS: dict[tuple[str, str], Rule] = {
    (SCHEMES, "is_ranked"): lambda row, reg: row["code"] != "distribution",
    (VALUES, "is_terminal"): lambda row, reg: _class_of(row, reg) in {("lifecycle", "lost"), ("value", "E")},
    (VALUES, "pool_days"): lambda row, reg: 30 if _class_of(row, reg) in {("importance", "key"), ("value", "A")}
    else None,
    (CUSTOMERS, "owner_since"): lambda row, reg: UPGRADE_DAY if row["owner_id"] is not None else None,
}


def _tax_key_unique_among_live(row: dict[str, Any], reg: Registry) -> str:
    """482e2cbb0d6d: of archives sharing a 税号 key, all but the oldest get ``#<id>`` appended."""
    older = [c for c in reg.before(CUSTOMERS, "482e2cbb0d6d") if c["tax_key"] == row["tax_key"] and c["id"] < row["id"]]
    return f"{row['tax_key']}#{row['id']}" if row["tax_key"] and older else row["tax_key"]


def _derived(column: str) -> Rule:
    """80e405b7e3ab: derived columns as db/derived.py computes them from the row, its contacts and products."""
    def rule(row: dict[str, Any], reg: Registry) -> Any:
        if "customer_id" in row:  # a contact
            return contact_columns(row.get("mobile"), row.get("phone"))[column]
        n = [sum(r["customer_id"] == row["id"] for r in reg.before(t, RECOMPUTED)) for t in CHILDREN]
        return customer_columns(row, contacts=n[0], products=n[1], current_tax_key=row["tax_key"])[column]
    return rule


# Old columns migrations rewrite on purpose: (table, column) → [(that migration, the value it leaves in a row
# inserted before it ran, from the row as earlier ones left it)]. Every other old column keeps its value.
RECOMPUTED, CHILDREN, PHONES = "80e405b7e3ab", ("contacts", "customer_products"), ("phone", "fax", "mobile")
REWRITTEN: dict[tuple[str, str], list[tuple[str, Rule]]] = {
    (CUSTOMERS, "tax_key"): [("482e2cbb0d6d", _tax_key_unique_among_live), (RECOMPUTED, _derived("tax_key"))],
    **{(CUSTOMERS, c): [(RECOMPUTED, _derived(c))] for c in ("name_key", "phone_key", "completeness")},
    **{("contacts", c): [(RECOMPUTED, _derived(c))] for c in ("mobile_key", "phone_key")},
    **{(t, c): [("c41f2a7d6e85", lambda r, _, c=c: phone_or_as_is(r[c]))] for t in (CUSTOMERS, "contacts") for c in PHONES},
}

# dc32f39f3c21's cadence for the classes of REALISTIC (copied from the migration, as it must never change).
CADENCE = {("importance", "key"): [("any", 1, 1, "week")], ("importance", "normal"): [("any", 1, 1, "month")],
           ("value", "A"): [("phone", 2, 1, "week"), ("visit", 4, 1, "month")]}


def _migration_rows(table: str, added: list[dict[str, Any]], reg: Registry) -> list[str]:
    """Rows a migration itself inserted (those this test did not); [] when they are the expected ones."""
    if table == "cadence_rules":  # dc32f39f3c21 preloads the documents' cadence for existing classes
        expected = [(v["id"], *rule) for v in reg.before(VALUES, reg.born[table])
                    for rule in CADENCE.get(_class_of(v, reg), [])]
        got = [(r["value_id"], r["channel"], r["times"], r["every"], r["unit"]) for r in added]
    elif table == "service_scopes":  # ad731fc85fba: existing customer service keeps seeing everything
        expected = [(u["id"], None) for u in reg.before(USERS, reg.born[table]) if u["role"] == "service"]
        got = [(r["user_id"], r["manager_id"]) for r in added]
    else:
        expected, got = [], [dict(r) for r in added]
    if sorted(expected, key=repr) != sorted(got, key=repr):
        return [f"{table}: rows the migrations added are {got}, expected {expected} (describe them in "
                "_migration_rows if a new migration adds them on purpose)"]
    return []


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
        problems += _migration_rows(table.name, list(found.values()), reg)
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
