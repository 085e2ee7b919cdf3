"""Creates the benchmark database learnql_bench (dropped first) at its fixed shape."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import col

from bench.services import POSTGRES_URL
from bench.shape import CourseShape, bulk_course
from domain.accounts import auth
from domain.infra.database import create_engine
from domain.infra.migrations import upgrade
from domain.models import User
from domain.settings import Settings

# BENCH_DATABASE: another name where several people share one PostgreSQL (the seed drops and recreates it).
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "learnql_bench")
BENCH_URL = POSTGRES_URL.rsplit("/", 1)[0] + "/" + BENCH_DATABASE
BENCH_DSN = BENCH_URL.replace("+asyncpg", "")
LEARNERS = 64


@dataclass(frozen=True)
class Seeded:
    viewer_id: int
    viewer_token: str
    learner_tokens: list[str]
    page: CourseShape  # 50 lessons x 20 problems x 4 options
    n10: CourseShape
    n100: CourseShape
    n1000: CourseShape
    submit: CourseShape  # 1 lesson x 20 problems, for submitAnswers


async def recreate_database(name: str = BENCH_DATABASE) -> str:
    """Drop and create database `name`; its URL."""
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


async def seed(secret: str) -> Seeded:
    await recreate_database()
    await asyncio.to_thread(upgrade, BENCH_URL)
    settings = Settings(database_url=BENCH_URL, jwt_secret=secret, password_time_cost=1, password_memory_kib=64)
    now = datetime.now(UTC)
    password_hash = auth.hash_password(settings, "bench-password")
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            rows = [
                {
                    "email": f"bench{i}@example.org",
                    "display_name": f"Bench {i}",
                    "password_hash": password_hash,
                    "role": "LEARNER",
                    "timezone": "UTC",
                    "xp": 0,
                    "streak_current": 0,
                    "streak_best": 0,
                    "created_at": now,
                }
                for i in range(LEARNERS + 1)
            ]
            await connection.execute(insert(User), rows)
            users = list((await connection.execute(select(User).order_by(col(User.id)))).all())
            viewer_id = users[0].id
            shapes = {}
            for slug, lessons in (("page", 50), ("n10", 10), ("n100", 100), ("n1000", 1000), ("submit", 1)):
                shapes[slug] = await bulk_course(connection, slug, now, lessons=lessons, progress_for=viewer_id)
            await connection.execute(text("ANALYZE"))
        tokens = [
            auth.issue_token(
                settings,
                User(id=u.id, role="LEARNER", email="", display_name="", password_hash="", created_at=now),
                now,
            )
            for u in users
        ]
    finally:
        await engine.dispose()
    return Seeded(
        viewer_id,
        tokens[0],
        tokens[1:],
        shapes["page"],
        shapes["n10"],
        shapes["n100"],
        shapes["n1000"],
        shapes["submit"],
    )
