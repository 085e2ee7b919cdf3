"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL, migrated once per run."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# Cheap password hashing for the test run; set before any settings are read.
os.environ.setdefault("LEARNQL_PASSWORD_TIME_COST", "1")
os.environ.setdefault("LEARNQL_PASSWORD_MEMORY_KIB", "64")

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlmodel import SQLModel

from domain.infra.database import create_engine, session_factory
from domain.infra.limiter import Limiter, create_limiter
from domain.infra.migrations import upgrade
from domain.settings import Settings
from tests.services import POSTGRES_URL, require

BACKENDS = ["sqlite", "postgresql"]
PG_DATABASE = f"learnql_test_{os.getpid()}"


@dataclass(frozen=True)
class Database:
    backend: str
    url: str


def _pg_admin(statement: str) -> None:
    async def run() -> None:
        engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(run())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    require("PostgreSQL", POSTGRES_URL, 5432)
    _pg_admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
    _pg_admin(f'CREATE DATABASE "{PG_DATABASE}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{PG_DATABASE}"
    upgrade(url)
    yield url
    _pg_admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "learnql.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return Database("sqlite", f"sqlite+aiosqlite:///{path}")
    return Database("postgresql", request.getfixturevalue("postgres_database"))


@pytest.fixture
def settings(database: Database) -> Settings:
    return Settings(
        database_url=database.url,
        jwt_secret="test-secret-0123456789abcdef0123456789",
        demo_content=False,
        jobs_autostart=False,  # in-process jobs wait for `services.jobs.drain()`: tests stay deterministic
    )


@functools.cache
def emptying() -> str:
    """One statement that empties every table, children first, and restarts each serial id at 1: what
    `TRUNCATE ... RESTART IDENTITY CASCADE` does, at a twentieth of its cost on tables of a few rows (TRUNCATE makes
    new files for 30-odd tables and their indexes; it took over a second a test on the loaded test machine)."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    deletes = [f'DELETE FROM "{table.name}";' for table in tables]  # noqa: S608  (our own table names)
    restarts = [
        f"PERFORM setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), 1, false);"
        for table in tables
        for column in table.primary_key.columns  # no sequence (a text key): setval(NULL, ...) does nothing
    ]
    return "DO $$ BEGIN " + " ".join(deletes + restarts) + " END $$"


@pytest.fixture
async def engine(settings: Settings, database: Database) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings, pool_size=25, max_overflow=10)
    if database.backend == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text(emptying()))
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A write session; tests commit when they mean to."""
    async with session_factory(engine, write=True)() as session:
        yield session


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
async def limiter(settings: Settings) -> AsyncIterator[Limiter]:
    """The embedded (in-memory) rate limiter with the settings' limits; tests/domain/infra tries the Redis one."""
    created = create_limiter(settings)
    yield created
    await created.close()
