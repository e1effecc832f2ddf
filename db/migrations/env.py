"""Alembic environment: our engine, our metadata, batch mode for SQLite ALTERs."""
from alembic import context

from db.engine import database_url, get_engine
from db.models import Base

config = context.config
url = config.attributes.get("database_url") or database_url()

with get_engine(url).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
