"""The schema comes from migrations, and the models have no change a migration lacks."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from db.engine import get_engine
from db.migrate import upgrade
from db.models import Base


def test_models_match_the_migrations(db_url):
    """Fails when a field was added to the registry without generating a migration
    (docs/architecture.md: How to add a field)."""
    with get_engine(db_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_is_idempotent_and_keeps_data(db_url, db):
    from db.engine import session_scope
    from tests.factories import make_customer, make_user

    with session_scope() as s:
        make_customer(s, make_user(s, "manager"), name="升级前的客户")
    upgrade(db_url)
    with session_scope() as s:
        from sqlalchemy import select

        from db.models import Customer
        assert s.scalar(select(Customer.name)) == "升级前的客户"
    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert {"customers", "contacts", "audit_events", "users", "alembic_version"} <= tables


def test_class_movement_migration_marks_existing_seed_schemes(tmp_path):
    """An installation from before the class-movement log gets ranked/terminal flags on its seed schemes."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from db.migrate import alembic_config
    from tests.conftest import _create_pg_database

    if os.environ.get("KEDANG_TEST_DB", "sqlite") == "postgres":
        url, cleanup = _create_pg_database()
    else:
        url, cleanup = f"sqlite:///{tmp_path / 'old.db'}", (lambda: None)
    try:
        command.upgrade(alembic_config(url), "c8504ddaf88d")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO class_schemes (id, code, name, is_active, sort_order) VALUES "
                              "(1, 'distribution', '分销类型', true, 0), (2, 'lifecycle', '生命周期', true, 1)"))
            conn.execute(text("INSERT INTO class_values (id, scheme_id, code, name, sort_order, is_retired) VALUES "
                              "(1, 2, 'new', '新签客户', 1, false), (2, 2, 'lost', '流失客户', 3, false)"))
        engine.dispose()
        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            ranked = dict(conn.execute(text("SELECT code, is_ranked FROM class_schemes")).all())
            terminal = dict(conn.execute(text("SELECT code, is_terminal FROM class_values")).all())
        engine.dispose()
        assert ranked == {"distribution": False, "lifecycle": True}
        assert terminal == {"new": False, "lost": True}
    finally:
        cleanup()


def test_a_database_from_a_newer_kedang_is_refused(tmp_path):
    """Opening a database a newer version upgraded would run old code on an unknown schema: refused."""
    import pytest
    from sqlalchemy import text

    from db.migrate import DatabaseTooNew

    url = f"sqlite:///{tmp_path / 'newer.db'}"
    upgrade(url)
    with get_engine(url).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    with pytest.raises(DatabaseTooNew, match="比本程序新"):
        upgrade(url)


def test_pool_migration_starts_every_owned_customers_clock_on_upgrade_day(tmp_path):
    """Upgrading an old database must not send its customers to the 公海 at the first sweep."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import text

    from db.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config(url)
    command.upgrade(config, "5140765699f4")  # the revision before the 公海
    with get_engine(url).begin() as connection:
        connection.execute(text("INSERT INTO users (id, username, name, role, password_hash, is_active, session_epoch, "
                                "created_at) VALUES (1, 'rep', '张伟', 'rep', 'x', 1, 0, '2020-01-01')"))
        for cid, owner in ((1, 1), (2, None)):
            connection.execute(text(
                "INSERT INTO customers (id, archive_no, owner_id, review_state, is_active, completeness, name_key, "
                "phone_key, tax_key, created_at, updated_at, version, name) VALUES "
                f"({cid}, 'KD-{cid}', {owner if owner else 'NULL'}, 'filed', 1, 0, '', '', '', '2020-01-01', "
                f"'2020-01-01', 1, '老客户{cid}')"))
    command.upgrade(config, "head")
    with get_engine(url).connect() as connection:
        rows = dict(connection.execute(text("SELECT id, owner_since FROM customers")).all())
    assert rows[1] == dt.date.today().isoformat() and rows[2] is None


def test_archives_that_shared_a_tax_number_keep_it_through_the_one_per_tax_number_rule(tmp_path):
    """Before migration 482e2cbb0d6d a duplicate 税号 could be confirmed. The upgrade keeps every archive and
    its 税号 as typed; the later duplicates stay editable, and only a 税号 change is checked."""
    from alembic import command
    from sqlalchemy import text

    from db.archive_queries import get_customer
    from db.archives import archive_input_from, update_customer
    from db.engine import session_scope
    from db.health import check as health_check
    from db.migrate import alembic_config
    from domain.permissions import SystemActor
    from domain.validation import ValidationError

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = alembic_config(url)
    command.upgrade(config, "260ca28dd1de")  # the revision before the rule
    with get_engine(url).begin() as connection:
        for cid, tax in ((1, "91440300MA5F00001A"), (2, "91440300MA5F00001A"), (3, "91510100MA61234567")):
            connection.execute(text(
                "INSERT INTO customers (id, archive_no, review_state, is_active, completeness, name_key, phone_key, "
                "tax_key, created_at, updated_at, version, name, tax_no, customer_type, province) VALUES "
                f"({cid}, 'KD-{cid}', 'filed', 1, 0, '老客户{cid}', '', '{tax}', '2020-01-01', '2020-01-01', 1, "
                f"'老客户{cid}', '{tax}', '经销商/批发', '广东')"))
    command.upgrade(config, "head")
    with get_engine(url).connect() as connection:
        rows = connection.execute(text("SELECT id, tax_no, tax_key FROM customers ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, "91440300MA5F00001A", "91440300MA5F00001A"),
                                        (2, "91440300MA5F00001A", "91440300MA5F00001A#2"),
                                        (3, "91510100MA61234567", "91510100MA61234567")]
    report = health_check(url)  # manage.py check points the admin at them
    assert report["shared_tax_numbers"] == 1 and any("税号相同" in p for p in report["problems"])
    admin = SystemActor()
    with session_scope(url) as s:  # the later duplicate can still be edited
        data = archive_input_from(get_customer(s, admin, 2))
        data.values["address"] = "深圳市福田区"
        update_customer(s, admin, 2, data, reason="补地址", expected_version=1)
    with pytest.raises(ValidationError, match="该税号已登记在档案 KD-3"):
        with session_scope(url) as s:
            customer = get_customer(s, admin, 2)
            data = archive_input_from(customer)
            data.values["tax_no"] = "91510100MA61234567"
            update_customer(s, admin, 2, data, reason="改税号", expected_version=customer.version)


def test_several_processes_preparing_a_new_database_at_once_take_turns(tmp_path):
    """A team server starts its app processes together: each upgrades the empty database and loads the
    reference data on its first request. They must take turns, not collide (PostgreSQL: advisory lock)."""
    import subprocess
    import sys

    from sqlalchemy import text

    from tests.conftest import _create_pg_database

    if os.environ.get("KEDANG_TEST_DB", "sqlite") == "postgres":
        url, drop = _create_pg_database()
    else:
        url, drop = f"sqlite:///{tmp_path / 'fresh.db'}", lambda: None
    env = {**os.environ, "DATABASE_URL": url, "KEDANG_DEMO": "0"}
    try:
        runs = [subprocess.Popen([sys.executable, "manage.py", "migrate"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(3)]
        results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
        assert [code for code, _ in results] == [0, 0, 0], results
        with get_engine(url).connect() as connection:
            codes = connection.execute(text("SELECT code FROM class_schemes")).scalars().all()
        assert len(codes) == len(set(codes)) > 0  # the reference data once, not three times
    finally:
        drop()
