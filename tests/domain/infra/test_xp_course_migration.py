"""Revision 0004 attributes the answer XP recorded before it to the answered problem's course."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from domain.infra.migrations import alembic_config, upgrade
from tests.conftest import _pg_admin
from tests.services import POSTGRES_URL, require

SEED = [
    "INSERT INTO users (id, email, display_name, password_hash, role, timezone, xp, streak_current, streak_best,"
    " created_at) VALUES (1, 'a@example.org', 'A', 'x', 'LEARNER', 'UTC', 30, 0, 0, '2026-03-10 12:00:00')",
    "INSERT INTO courses (id, slug, title, description, created_at) VALUES (7, 'c', 'C', '', '2026-03-10 12:00:00')",
    "INSERT INTO lessons (id, course_id, title, body, position, published, created_at)"
    " VALUES (3, 7, 'L', '', 0, true, '2026-03-10 12:00:00')",
    "INSERT INTO problems (id, lesson_id, kind, status, prompt, explanation, difficulty, position, tolerance,"
    " accepted_answers, rubric, tags, created_at)"
    " VALUES (11, 3, 'NUMERIC', 'PUBLISHED', 'p', '', 2, 0, 0, '[]', '[]', '[]', '2026-03-10 12:00:00')",
    "INSERT INTO xp_events (user_id, reason, ref, amount, created_at) VALUES (1, 'answer', 'problem:11', 20, '2026-03-10 12:00:00')",
    "INSERT INTO xp_events (user_id, reason, ref, amount, created_at) VALUES (1, 'review', 'card:5', 10, '2026-03-10 12:00:00')",
]


def run(url: str, statements: list[str]) -> list[tuple[object, ...]]:
    async def go() -> list[tuple[object, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                rows: list[tuple[object, ...]] = []
                for statement in statements:
                    result = await connection.execute(text(statement))
                    if result.returns_rows:
                        rows = [tuple(row) for row in result]
                return rows
        finally:
            await engine.dispose()

    return asyncio.run(go())


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
        return
    require("PostgreSQL", POSTGRES_URL, 5432)
    name = f"learnql_migrate_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_answer_xp_from_before_gets_its_course_and_other_xp_none(empty_database: str) -> None:
    upgrade(empty_database, "0003")
    run(empty_database, SEED)

    upgrade(empty_database, "0004")
    attributed = run(empty_database, ["SELECT reason, course_id FROM xp_events ORDER BY reason"])
    command.downgrade(alembic_config(empty_database), "0003")
    columns = run(empty_database, ["SELECT * FROM xp_events LIMIT 1"])

    assert attributed == [("answer", 7), ("review", None)]
    assert len(columns[0]) == 6  # course_id is gone again
