"""The schema comes from migrations, and the models have no change a migration lacks."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from db.engine import get_engine
from db.migrate import upgrade
from db.models import Base


def test_models_match_the_migrations(db_url):
    """Fails when a field was added to the registry without generating a migration (README: Add a field)."""
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
