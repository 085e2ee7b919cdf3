"""Run alembic from code: `learnql migrate`, start-up of the embedded default, and the tests.

The revisions ship inside this package (env.py, script.py.mako, versions/), so an installed wheel
finds them through importlib.resources as a checkout does; developers run `uv run alembic ...`
with the `[tool.alembic]` section of pyproject.toml, which points here.
"""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config

# A directory on disk (alembic reads env.py and versions/ from files): packages installed from a
# wheel are unpacked, and a checkout is one already.
SCRIPTS = files(__name__)


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to `revision`; call it outside a running event loop."""
    command.upgrade(alembic_config(database_url), revision)
