"""Database access: models, the one engine/sessionmaker, migrations, queries and writes.

Every table module is imported here, so the metadata (migrations, tests) always knows all tables.
"""
from db import (  # noqa: F401
    derived,  # noqa: F401  (its flush hook keeps derived columns current in every session)
    models,
    models_access,
    models_followups,
    models_papers,
)
