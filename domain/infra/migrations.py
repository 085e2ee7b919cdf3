"""Run alembic from code: `learnql migrate`, start-up of the embedded default, and the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision`; call it outside a running event loop."""
    command.upgrade(alembic_config(database_url), revision)


def head_revisions(database_url: str) -> set[str]:
    """The newest revisions the code knows."""
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def current_revisions(connection: Connection) -> set[str]:
    """The revisions the database is at (empty: never migrated); run with `AsyncConnection.run_sync`."""
    return set(MigrationContext.configure(connection).get_current_heads())
