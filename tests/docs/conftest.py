"""The docs examples run against a live app on a copy of a database seeded with the demo content.

SQLite only: these tests check that the guide's examples are true of the API; the storage tests
run every query and rule on both databases already, so a PostgreSQL run here would test nothing new.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from domain.clock import utcnow
from domain.content import demo
from domain.infra.database import create_engine, session_factory
from domain.settings import Settings
from tests.conftest import Database


async def _seed(url: str) -> None:
    settings = Settings(database_url=url, jwt_secret="docs-seed-secret-0123456789abcdef0123", demo_content=False)
    engine = create_engine(settings)
    try:
        async with session_factory(engine, write=True)() as session:
            assert await demo.seed_demo(session, settings, utcnow())
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo accounts and courses, seeded once per run."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    asyncio.run(_seed(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def database(demo_template: Path, tmp_path: Path) -> Database:
    """A fresh copy of the demo database for each example: the guide's IDs are those of a fresh seed."""
    path = tmp_path / "learnql.db"
    shutil.copyfile(demo_template, path)
    return Database("sqlite", f"sqlite+aiosqlite:///{path}")
