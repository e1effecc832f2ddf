"""The schema comes from migrations, and the models have no change a migration lacks."""
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
