"""Benchmark: server memory while clients download large exports.

    uv run python -m bench.exports [--rows 100000] [--postgres]

One API process (uvicorn, the app factory) on a database of its own: a SQLite file by default, or
the PostgreSQL database learnql_bench_exports with --postgres (dropped and made again). Seeded with
`--rows` review-log rows of one learner and `--rows` grades in one class (students x lessons, 50
lessons), then the review log, the gradebook and the learner's me.json are downloaded one after the
other, each read and thrown away by a streaming client, while the server's VmRSS is sampled every
10 ms. Reported per export: bytes, rows, seconds, and the server's peak RSS minus its RSS just before
the download. Target: under 100 MB (the peak of the whole process also stays under 100 MB above idle).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import col

from bench.servers import Server
from bench.services import POSTGRES_URL
from domain.accounts import auth
from domain.infra.database import create_engine
from domain.infra.migrations import upgrade
from domain.models import (
    Class,
    ClassCourse,
    ClassMember,
    Course,
    Grade,
    Lesson,
    Problem,
    ReviewCard,
    ReviewLog,
    Role,
    User,
)
from domain.settings import Settings
from graph.ids import encode

SECRET = "bench-secret-0123456789abcdef0123456789"
PORT = 18141  # this benchmark's port
LESSONS = 50
BATCH = 10_000
LIMIT_MB = 100
PG_NAME = "learnql_bench_exports"


@dataclass(frozen=True)
class Seeded:
    learner_token: str
    teacher_token: str
    class_id: int


def _users(count: int, now: datetime, password_hash: str, role: Role, prefix: str) -> list[dict[str, object]]:
    return [
        {
            "email": f"{prefix}{i}@example.org",
            "display_name": f"{prefix.title()} {i:06d}",
            "password_hash": password_hash,
            "role": role.value,
            "timezone": "UTC",
            "created_at": now,
        }
        for i in range(count)
    ]


async def seed(url: str, rows: int) -> Seeded:
    await asyncio.to_thread(upgrade, url)
    settings = Settings(database_url=url, jwt_secret=SECRET, password_time_cost=1, password_memory_kib=64)
    now = datetime.now(UTC)
    password_hash = auth.hash_password(settings, "bench-password")
    students = max(1, rows // LESSONS)
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            teachers = _users(1, now, password_hash, Role.INSTRUCTOR, "teacher")
            inserted = await connection.execute(insert(User).returning(col(User.id)), teachers)
            teacher_id = cast(int, inserted.scalar_one())
            await connection.execute(insert(User), _users(students, now, password_hash, Role.LEARNER, "student"))
            learner_id = teacher_id + 1
            course_id = (
                await connection.execute(
                    insert(Course)
                    .values(slug="bench", title="Bench", owner_id=teacher_id, created_at=now)
                    .returning(col(Course.id))
                )
            ).scalar_one()
            lesson_rows = [
                {
                    "course_id": course_id,
                    "title": f"Lesson {i + 1}",
                    "position": i,
                    "published": True,
                    "created_at": now,
                }
                for i in range(LESSONS)
            ]
            lesson_ids = list(
                (await connection.execute(insert(Lesson).returning(col(Lesson.id)), lesson_rows)).scalars()
            )
            problem_id = (
                await connection.execute(
                    insert(Problem)
                    .values(lesson_id=lesson_ids[0], kind="NUMERIC", prompt="x", created_at=now)
                    .returning(col(Problem.id))
                )
            ).scalar_one()
            class_id = cast(
                int,
                (
                    await connection.execute(
                        insert(Class)
                        .values(name="Bench", instructor_id=teacher_id, join_code="BENCH", created_at=now)
                        .returning(col(Class.id))
                    )
                ).scalar_one(),
            )
            await connection.execute(insert(ClassCourse).values(class_id=class_id, course_id=course_id))
            members = [{"class_id": class_id, "user_id": learner_id + i, "joined_at": now} for i in range(students)]
            await connection.execute(insert(ClassMember), members)
            grades = [
                {
                    "user_id": learner_id + s,
                    "lesson_id": lesson_id,
                    "score": (s * 7 + n) % 11,
                    "max_score": 10.0 + 1,
                    "graded_at": now,
                    "updated_at": now,
                }
                for s in range(students)
                for n, lesson_id in enumerate(lesson_ids)
            ]
            for start in range(0, len(grades), BATCH):
                await connection.execute(insert(Grade), grades[start : start + BATCH])
            card_id = (
                await connection.execute(
                    insert(ReviewCard)
                    .values(user_id=learner_id, problem_id=problem_id, due=now, created_at=now)
                    .returning(col(ReviewCard.id))
                )
            ).scalar_one()
            for start in range(0, rows, BATCH):
                logs = [
                    {
                        "card_id": card_id,
                        "user_id": learner_id,
                        "rating": 1 + i % 4,
                        "reviewed_at": now - timedelta(minutes=rows - i),
                        "duration_ms": 1000 + i % 5000,
                        "state_before": "REVIEW",
                        "state_after": "REVIEW",
                        "stability_after": 3.0,
                        "difficulty_after": 5.0,
                        "due_after": now,
                        "xp_awarded": 0,
                    }
                    for i in range(start, min(rows, start + BATCH))
                ]
                await connection.execute(insert(ReviewLog), logs)
        teacher = User(id=teacher_id, token_version=0, email="", display_name="", password_hash="", created_at=now)
        learner = User(id=learner_id, token_version=0, email="", display_name="", password_hash="", created_at=now)
        return Seeded(auth.issue_token(settings, learner, now), auth.issue_token(settings, teacher, now), class_id)
    finally:
        await engine.dispose()


async def _recreate_postgres() -> str:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)"))
            await connection.execute(text(f"CREATE DATABASE {PG_NAME}"))
    finally:
        await engine.dispose()
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{PG_NAME}"


class ExportServer(Server):
    """A uvicorn process on this benchmark's own port rather than a free one."""

    def start(self, log_dir: Path) -> None:
        self.port = PORT
        command = [sys.executable, "-m", "uvicorn", self.app, "--factory", "--port", str(PORT), "--loop", self.loop]
        command += ["--http", self.http, "--no-access-log", "--log-level", "warning"]
        log = (log_dir / f"{self.name}.log").open("w")
        self.process = subprocess.Popen(command, env=os.environ | self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


class Sampler:
    """The server's VmRSS every 10 ms in a thread, keeping the peak."""

    def __init__(self, server: Server) -> None:
        self._server = server
        self.peak = server.rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._server.rss_bytes())
            time.sleep(0.01)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def download(server: Server, path: str, token: str) -> dict[str, float]:
    idle = server.rss_bytes()
    size = lines = 0
    started = time.perf_counter()
    with Sampler(server) as sampler:
        async with (
            httpx.AsyncClient(base_url=server.url, timeout=600) as http,
            http.stream("GET", path, headers={"Authorization": f"Bearer {token}"}) as response,
        ):
            assert response.status_code == 200, response.status_code
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                lines += chunk.count(b"\n")
    return {
        "mb": size / 1e6,
        "lines": lines,
        "seconds": time.perf_counter() - started,
        "idle_mb": idle / 1e6,
        "peak_mb": sampler.peak / 1e6,
        "growth_mb": (sampler.peak - idle) / 1e6,
    }


async def main(rows: int, postgres: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = await _recreate_postgres() if postgres else f"sqlite+aiosqlite:///{Path(folder) / 'exports.db'}"
        print(f"seeding {rows:,} review logs and {rows:,} grades ({'PostgreSQL' if postgres else 'SQLite'}) ...")
        seeded = await seed(url, rows)
        env = {
            "LEARNQL_DATABASE_URL": url,
            "LEARNQL_JWT_SECRET": SECRET,
            "LEARNQL_DEMO_CONTENT": "false",
            "LEARNQL_LIMIT_EXPORTS_PER_USER": "1000 per hour",
        }
        server = ExportServer("exports", "learnql.composition:create_app", env)
        server.start(Path(folder))
        try:
            server.wait_ready("/health")
        except RuntimeError:
            print((Path(folder) / "exports.log").read_text())
            raise
        try:
            class_id = encode("Class", seeded.class_id)
            runs = {
                "review-log.csv": ("/exports/me/review-log.csv", seeded.learner_token),
                "gradebook.csv": (f"/exports/classes/{class_id}/gradebook.csv", seeded.teacher_token),
                "me.json": ("/exports/me.json", seeded.learner_token),
            }
            start_rss = server.rss_bytes()
            worst = 0.0
            print(f"{'export':<16}{'MB':>8}{'lines':>10}{'s':>8}{'RSS before':>12}{'peak':>8}{'growth MB':>11}")
            for name, (path, token) in runs.items():
                figures = await download(server, path, token)
                worst = max(worst, figures["peak_mb"] - start_rss / 1e6)
                print(
                    f"{name:<16}{figures['mb']:>8.1f}{figures['lines']:>10,.0f}{figures['seconds']:>8.2f}"
                    f"{figures['idle_mb']:>12.1f}{figures['peak_mb']:>8.1f}{figures['growth_mb']:>11.1f}"
                )
            verdict = "met" if worst < LIMIT_MB else "NOT met"
            print(
                f"server RSS at most {worst:.1f} MB above its size before the first download: target < {LIMIT_MB} MB {verdict}"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (learnql_bench_exports) instead of SQLite")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.postgres))
