"""Benchmark of the AI jobs: `uv run python -m bench.workers` (PostgreSQL when it answers, else SQLite).

A chat-completions test server (bench/chat_server.py, its own process) answers every request
after 200 ms. The jobs run in this process with the openai provider against it:

- evaluation: 1,000 free-text answers (100 learners x a lesson of 10 FREE_TEXT problems, every answer
  different: no cache hits), one job for the 100 submissions, batches of `ai_evaluation_batch_size`;
- generation: 50 problems from a 30-page PDF (text extracted first, timed apart), `ai_generation_batch_size`
  problems per request.

Each is reported against the bound ceil(items / batch / concurrency) x latency: the time the requests
take when they are perfectly batched and parallel and everything else is free. Target: within 1.3x.
Figures are printed and written to JSON (--out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import col

from bench.pdfs import text_pdf
from bench.servers import Server
from bench.services import POSTGRES_URL, reachable
from bench.texts import lesson_text
from domain.accounts import auth
from domain.ai import evaluation, generation
from domain.ai.documents import pdf_text
from domain.ai.generation import GenerationInput
from domain.backends import Backends
from domain.infra.database import create_engine, session_factory
from domain.infra.migrations import upgrade
from domain.learning import submissions
from domain.models import Course, Job, Lesson, Problem, ProblemKind, Role, User
from domain.settings import Settings
from workers.ai.openai import OpenAIProvider
from workers.jobs import evaluation_run, generation_run
from workers.runtime import Runtime

LATENCY_MS = 200
LEARNERS, PROBLEMS = 100, 10
PAGES, COUNT = 30, 50
BENCH_URL = POSTGRES_URL.rsplit("/", 1)[0] + "/learnql_bench_workers"


@dataclass
class Figure:
    name: str
    items: int
    batch: int
    concurrency: int
    latency_s: float
    bound_s: float
    wall_s: list[float]
    provider_calls: int
    tokens: int
    note: str = ""
    storing_s: float | None = None  # generation: the median time spent storing the problems

    @property
    def median(self) -> float:
        return statistics.median(self.wall_s)

    @property
    def ratio(self) -> float:
        return self.median / self.bound_s

    def row(self) -> dict[str, Any]:
        row = asdict(self) | {"median_s": round(self.median, 3), "ratio": round(self.ratio, 3)}
        row["met"] = self.ratio <= 1.3
        if self.storing_s is not None:
            row["ratio_without_storing"] = round((self.median - self.storing_s) / self.bound_s, 3)
        return row


def bound(items: int, batch: int, concurrency: int, latency: float) -> float:
    return math.ceil(items / batch / concurrency) * latency


async def database(sqlite: bool) -> str:
    if sqlite or not reachable(POSTGRES_URL, 5432):
        path = Path(tempfile.mkdtemp()) / "bench-workers.db"
        url = f"sqlite+aiosqlite:///{path}"
    else:
        admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text("DROP DATABASE IF EXISTS learnql_bench_workers WITH (FORCE)"))
            await connection.execute(text("CREATE DATABASE learnql_bench_workers"))
        await admin.dispose()
        url = BENCH_URL
    await asyncio.to_thread(upgrade, url)
    return url


async def seed(engine: AsyncEngine, settings: Settings, now: datetime) -> tuple[User, int, list[int]]:
    """An instructor, an empty lesson for generation, and 100 pending submissions of 10 free-text answers."""
    hashed = auth.hash_password(settings, "bench-password")
    async with engine.begin() as connection:
        users = [
            {"email": f"w{i}@example.org", "display_name": f"W{i}", "password_hash": hashed, "created_at": now}
            | {"role": Role.INSTRUCTOR.value if i == 0 else Role.LEARNER.value}
            for i in range(LEARNERS + 1)
        ]
        await connection.execute(insert(User), users)
    sessions = session_factory(engine, write=True)
    async with sessions() as session:
        instructor = (await session.execute(select(User).where(User.role == Role.INSTRUCTOR.value))).scalar_one()  # type: ignore[arg-type]
        course = Course(slug="bench-workers", title="Bench", owner_id=instructor.id, created_at=now)
        session.add(course)
        await session.flush()
        essay = Lesson(course_id=course.id, title="Essays", published=True, created_at=now)  # type: ignore[arg-type]
        target = Lesson(course_id=course.id, title="Generated", position=1, created_at=now)  # type: ignore[arg-type]
        session.add_all([essay, target])
        await session.flush()
        problems = [
            Problem(
                lesson_id=essay.id,  # type: ignore[arg-type]
                kind=ProblemKind.FREE_TEXT.value,
                prompt=f"Explain idea {p}.",
                reference_answer=f"Idea {p} batches keys into one query.",
                rubric=["batch", "query"],
                position=p,
                created_at=now,
            )
            for p in range(PROBLEMS)
        ]
        session.add_all(problems)
        await session.commit()
        learners = (await session.execute(select(User).where(User.role == Role.LEARNER.value))).scalars().all()  # type: ignore[arg-type]
        for learner in learners:
            answers = tuple(
                submissions.AnswerInput(p.id, text=f"Learner {learner.id} on idea {p.position}: batch, then a query.")  # type: ignore[arg-type]
                for p in problems
            )
            request = submissions.SubmissionRequest(f"bench-{learner.id}", answers, essay.id)
            await submissions.submit(session, learner, request, now)
        await session.commit()
        ids = list((await session.execute(select(col(Job.params)))).scalars())
    submission_ids = [i for params in ids for i in params["submissionIds"]]
    assert target.id is not None
    return instructor, target.id, submission_ids


async def timed_job(runtime: Runtime, function: Any, job_id: int) -> tuple[float, Job]:
    started = time.perf_counter()
    outcome = await function({"runtime": runtime, "job_try": 1}, job_id)
    elapsed = time.perf_counter() - started
    async with runtime.reading() as session:
        job = await session.get(Job, job_id)
    assert outcome == "succeeded", outcome
    assert job is not None
    return elapsed, job


async def run(rounds: int, sqlite: bool = False) -> tuple[list[Figure], dict[str, Any]]:
    log_dir = Path(tempfile.mkdtemp())
    chat = Server("chat", "bench.chat_server:create_app", {"CHAT_LATENCY_MS": str(LATENCY_MS)}, factory=True)
    chat.start(log_dir)
    try:
        chat.wait_ready("/v1/chat/completions")
        url = await database(sqlite)
        base = Settings(database_url=url, password_time_cost=1, password_memory_kib=64, demo_content=False)
        settings = base.model_copy(
            update={"ai_provider": "openai", "ai_base_url": chat.url + "/v1", "ai_api_keys": ["bench-1", "bench-2"]}
        )
        engine = create_engine(settings)
        now = datetime.now(UTC)
        instructor, lesson_id, submission_ids = await seed(engine, settings, now)
        pdf = text_pdf(_pages(PAGES))
        started = time.perf_counter()
        source = pdf_text(pdf, settings.pdf_max_pages, ["document"])
        extraction = time.perf_counter() - started
        latency = LATENCY_MS / 1000
        figures = [
            await _evaluation(engine, settings, now, instructor, submission_ids, rounds, latency),
            await _generation(engine, settings, now, instructor, lesson_id, source, rounds, latency),
        ]
        await engine.dispose()
        extra = {
            "database": "postgresql" if url.startswith("postgresql") else "sqlite",
            "pdf_pages": PAGES,
            "pdf_bytes": len(pdf),
            "pdf_chars": len(source),
            "pdf_extraction_s": round(extraction, 3),
        }
        return figures, extra
    finally:
        chat.stop()


def _pages(count: int) -> list[str]:
    """About 2,500 characters a page: 450 paragraphs of definitions and remarks, 15 a page."""
    paragraphs = lesson_text(repeat=25).split("\n\n")
    per_page = math.ceil(len(paragraphs) / count)
    return ["\n".join(paragraphs[i * per_page : (i + 1) * per_page]) for i in range(count)]


async def _evaluation(
    engine: AsyncEngine,
    settings: Settings,
    now: datetime,
    instructor: User,
    submission_ids: list[int],
    rounds: int,
    latency: float,
) -> Figure:
    walls, calls, tokens = [], 0, 0
    for round_ in range(rounds):
        async with session_factory(engine, write=True)() as session:
            if round_:  # grade the same answers again: back to PENDING, no cache to help, a new job
                await session.execute(text("UPDATE answers SET status = 'PENDING', score = NULL, correct = NULL"))
                await session.execute(text("UPDATE submissions SET status = 'PENDING', score = NULL"))
                await session.execute(text("DELETE FROM ai_cache"))
                await session.execute(text("UPDATE jobs SET dedupe_key = NULL"))
            job = await evaluation.request_many(session, instructor.id, submission_ids, now)  # type: ignore[arg-type]
            await session.commit()
            job_id = job.id
        runtime = _runtime(engine, settings, now)
        assert job_id is not None
        wall, row = await timed_job(runtime, evaluation_run, job_id)
        await runtime.close()
        walls.append(wall)
        calls, tokens = row.provider_calls, row.prompt_tokens + row.completion_tokens
        assert row.result == {"answers": LEARNERS * PROBLEMS, "submissionsGraded": LEARNERS}, row.result
    batch, concurrency = settings.ai_evaluation_batch_size, settings.ai_concurrency
    items = LEARNERS * PROBLEMS
    return Figure(
        "evaluate 1,000 free-text answers",
        items,
        batch,
        concurrency,
        latency,
        bound(items, batch, concurrency, latency),
        [round(w, 3) for w in walls],
        calls,
        tokens,
        f"{LEARNERS} submissions x {PROBLEMS} answers; results written as they return (together when they arrive together)",
    )


class StoreTimer:
    """Times domain.generation.store inside the job: the part of generation that is not provider time."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._store = generation.store

    async def __call__(self, *args: Any) -> list[int]:
        started = time.perf_counter()
        try:
            return await self._store(*args)
        finally:
            self.seconds.append(time.perf_counter() - started)


async def _generation(
    engine: AsyncEngine,
    settings: Settings,
    now: datetime,
    instructor: User,
    lesson_id: int,
    source: str,
    rounds: int,
    latency: float,
) -> Figure:
    walls, calls, tokens = [], 0, 0
    timer = StoreTimer()
    generation.store = timer  # type: ignore[assignment]
    for round_ in range(rounds):
        async with session_factory(engine, write=True)() as session:
            await session.execute(text("DELETE FROM ai_cache"))
            user = await session.get(User, instructor.id)
            assert user is not None
            request = GenerationInput(lesson_id, f"{source}\n\nRound {round_}.", COUNT)
            job, _ = await generation.request(session, user, request, settings, now)
            await session.commit()
            job_id = job.id
        runtime = _runtime(engine, settings, now)
        assert job_id is not None
        wall, row = await timed_job(runtime, generation_run, job_id)
        await runtime.close()
        walls.append(wall)
        calls, tokens = row.provider_calls, row.prompt_tokens + row.completion_tokens
        assert row.result is not None
        assert len(row.result["problemIds"]) == COUNT, row.result
    batch, concurrency = settings.ai_generation_batch_size, settings.ai_concurrency
    return Figure(
        "generate 50 problems from a 30-page PDF",
        COUNT,
        batch,
        concurrency,
        latency,
        bound(COUNT, batch, concurrency, latency),
        [round(w, 3) for w in walls],
        calls,
        tokens,
        "the job from the extracted text: chunks, requests, validation, 50 DRAFT problems stored "
        "together through problem_authoring.write_problems",
        round(statistics.median(timer.seconds), 3),
    )


def _runtime(engine: AsyncEngine, settings: Settings, now: datetime) -> Runtime:
    return Runtime(Backends(settings=settings, engine=engine, clock=lambda: now), OpenAIProvider(settings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench-workers.json"))
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even when PostgreSQL answers")
    options = parser.parse_args()
    figures, extra = asyncio.run(run(options.rounds, options.sqlite))
    print(
        f"database: {extra['database']}, latency {LATENCY_MS} ms, bound = ceil(items / batch / concurrency) x latency"
    )
    print(f"{'benchmark':42} {'items':>6} {'batch':>5} {'conc':>4} {'bound':>7} {'median':>7} {'ratio':>6}  calls")
    for figure in figures:
        print(
            f"{figure.name:42} {figure.items:>6} {figure.batch:>5} {figure.concurrency:>4} "
            f"{figure.bound_s:>6.2f}s {figure.median:>6.3f}s {figure.ratio:>5.2f}x  {figure.provider_calls}"
        )
    for figure in figures:
        print(f"  {figure.name}: {figure.note}; rounds {figure.wall_s}")
        if figure.storing_s is not None:
            without = (figure.median - figure.storing_s) / figure.bound_s
            print(f"    of the median, storing took {figure.storing_s:.3f}s; without it {without:.2f}x the bound")
    print(
        f"PDF: {extra['pdf_pages']} pages, {extra['pdf_chars']} characters, text extracted in {extra['pdf_extraction_s']}s"
    )
    report = {"latency_ms": LATENCY_MS, "target_ratio": 1.3, **extra, "results": [f.row() for f in figures]}
    options.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {options.out}")


if __name__ == "__main__":
    os.environ.setdefault("LEARNQL_PASSWORD_TIME_COST", "1")
    main()
