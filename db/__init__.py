"""Database access: models, the one engine/sessionmaker, migrations, queries and writes.

Every table module is imported here, so the metadata (migrations, tests) always knows all tables.
"""
from db import models, models_access, models_followups, models_papers  # noqa: F401
from db import derived  # noqa: F401  (its flush hook keeps derived columns current in every session)
