"""Bring any database up to the current schema with alembic (run on app start)."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from db.engine import ROOT, database_url


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "db" / "migrations"))
    config.attributes["database_url"] = url or database_url()
    return config


def upgrade(url: str | None = None) -> None:
    """Apply every migration not yet applied; a no-op on an up-to-date database."""
    command.upgrade(alembic_config(url), "head")
