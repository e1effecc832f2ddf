"""Database access: models, the one engine/session factory, migrations, queries and writes."""
