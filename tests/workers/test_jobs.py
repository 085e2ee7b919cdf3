"""The job functions, run in-process on both databases: results, progress, cache, retries and re-runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pytest
from arq.worker import Retry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.texts import lesson_text
from domain.ai import evaluation, generation
from domain.ai.evaluation import Evaluated, EvaluationItem
from domain.ai.generation import Generated, GenerationInput
from domain.learning import submissions
from domain.models import Answer, Job, Lesson, Problem, ProblemKind, Role, Submission, User, XpEvent
from domain.realtime.dispatch import job_channel
from domain.settings import Settings
from tests.factories import make_course, make_user
from tests.workers.conftest import ChatServer, openai_settings
from workers.ai.base import Provider, ProviderError, ProviderUnavailable
from workers.ai.local import LocalProvider
from workers.ai.openai import OpenAIProvider
from workers.jobs import evaluation_run, generation_run
from workers.runtime import Runtime

pytestmark = pytest.mark.timeout(60)
MakeRuntime = Callable[..., Runtime]


class Breaking(Provider):
    """Answers like `inner` for `calls` requests, then raises `error` (a worker dying half-way)."""

    def __init__(self, inner: Provider, calls: int, error: Exception) -> None:
        self.inner, self.left, self.error, self.made = inner, calls, error, 0

    @property
    def identity(self) -> str:
        return self.inner.identity

    def _spend(self) -> None:
        if self.left <= 0:
            raise self.error
        self.left -= 1
        self.made += 1

    async def generate(self, text: str, count: int, kinds: Sequence[ProblemKind]) -> Generated:
        self._spend()
        return await self.inner.generate(text, count, kinds)

    async def evaluate(self, items: Sequence[EvaluationItem]) -> Evaluated:
        self._spend()
        return await self.inner.evaluate(items)


async def author_and_lessons(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, list[Lesson]]:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, lessons=2, kinds=())
    await session.commit()
    return author, course.lessons


async def generation_job(
    session: AsyncSession, settings: Settings, author: User, lesson: Lesson, now: datetime, count: int = 10
) -> int:
    source = GenerationInput(lesson.id, lesson_text(), count)  # type: ignore[arg-type]
    job, _ = await generation.request(session, author, source, settings, now)
    await session.commit()
    assert job.id is not None
    return job.id


async def job_row(session: AsyncSession, job_id: int) -> Job:
    job = await session.get(Job, job_id, populate_existing=True)
    assert job is not None
    await session.commit()
    return job


async def count(session: AsyncSession, model: type, *where: Any) -> int:
    result = (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()
    await session.commit()
    return int(result)


def ctx(runtime: Runtime, job_try: int = 1) -> dict[str, Any]:
    return {"runtime": runtime, "job_try": job_try}


# -- generation ----------------------------------------------------------------------------------


async def test_generation_stores_draft_problems_and_reports_progress(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime
) -> None:
    author, lessons = await author_and_lessons(session, settings, now)
    job_id = await generation_job(
        session, settings.model_copy(update={"ai_generation_batch_size": 4}), author, lessons[0], now
    )
    runtime = make_runtime(settings.model_copy(update={"ai_generation_batch_size": 4}))

    async with runtime.backends.realtime.broker.subscribe(job_channel(job_id)) as messages:
        outcome = await generation_run(ctx(runtime), job_id)
        updates = [await anext(messages) for _ in range(messages.pending)]

    job = await job_row(session, job_id)
    assert outcome == "succeeded"
    assert (job.status, job.progress, job.attempts, job.error) == ("SUCCEEDED", 1.0, 1, None)
    assert (job.started_at, job.finished_at) == (now, now)
    assert job.result is not None
    assert len(job.result["problemIds"]) == 10
    assert job.result["rejected"] == 0
    problems = (await session.execute(select(Problem).where(Problem.lesson_id == lessons[0].id))).scalars().all()  # type: ignore[arg-type]
    assert {p.status for p in problems} == {"DRAFT"}
    assert {p.kind for p in problems} == {"SINGLE_CHOICE", "SHORT_TEXT", "FREE_TEXT", "MULTIPLE_CHOICE"}
    statuses = [(u["status"], u["progress"]) for u in updates if isinstance(u, dict)]  # type: ignore[union-attr]
    assert statuses[0] == ("RUNNING", 0.0)
    assert statuses[-1] == ("SUCCEEDED", 1.0)
    assert [p for _, p in statuses] == sorted(p for _, p in statuses)
    # started, at most one per chunk (10 problems / 4 per request: answers arriving together are written together), done
    assert 3 <= len(statuses) <= 2 + 3


async def test_running_a_generation_job_twice_stores_nothing_twice(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime
) -> None:
    author, lessons = await author_and_lessons(session, settings, now)
    job_id = await generation_job(session, settings, author, lessons[0], now)
    runtime = make_runtime(settings)

    first = await generation_run(ctx(runtime), job_id)
    second = await generation_run(ctx(runtime), job_id)

    assert (first, second) == ("succeeded", "nothing to do")
    assert await count(session, Problem) == 10
    assert (await job_row(session, job_id)).attempts == 1


async def test_the_same_source_for_another_lesson_costs_no_provider_call(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime, chat: ChatServer
) -> None:
    configured = openai_settings(settings, chat, ai_generation_batch_size=5)
    author, lessons = await author_and_lessons(session, configured, now)
    first_id = await generation_job(session, configured, author, lessons[0], now)
    second_id = await generation_job(session, configured, author, lessons[1], now)
    runtime = make_runtime(configured, OpenAIProvider(configured))

    await generation_run(ctx(runtime), first_id)
    calls = chat.script.calls()
    await generation_run(ctx(runtime), second_id)

    first, second = await job_row(session, first_id), await job_row(session, second_id)
    assert calls == 2
    assert chat.script.calls() == 2  # nothing more
    assert (first.provider_calls, first.cache_hits) == (2, 0)
    assert (second.provider_calls, second.cache_hits, second.prompt_tokens) == (0, 2, 0)
    assert first.prompt_tokens > 0
    assert first.cost == pytest.approx((first.prompt_tokens * 0.5 + first.completion_tokens * 1.5) / 1000)
    assert await count(session, Problem, Problem.lesson_id == lessons[1].id) == 10  # type: ignore[arg-type]


async def test_a_generation_killed_half_way_resumes_without_duplicates(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime
) -> None:
    configured = settings.model_copy(update={"ai_generation_batch_size": 2, "ai_concurrency": 1})
    author, lessons = await author_and_lessons(session, configured, now)
    job_id = await generation_job(session, configured, author, lessons[0], now)
    dying = Breaking(LocalProvider(), 2, RuntimeError("worker lost"))

    with pytest.raises(Retry):
        await generation_run(ctx(make_runtime(configured, dying)), job_id)
    row = await job_row(session, job_id)
    waiting = (row.status, row.progress, row.error)
    healthy = Breaking(LocalProvider(), 100, RuntimeError("unused"))
    outcome = await generation_run(ctx(make_runtime(configured, healthy), job_try=2), job_id)

    job = await job_row(session, job_id)
    assert waiting == ("QUEUED", 0.36, "Internal error (try 1; retrying).")
    assert outcome == "succeeded"
    assert (job.status, job.attempts, job.cache_hits, job.error) == ("SUCCEEDED", 2, 2, None)
    assert (dying.made, healthy.made) == (2, 3)  # five chunks, each asked for once
    assert await count(session, Problem) == 10


async def test_a_provider_outage_retries_then_fails_on_the_last_try(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime
) -> None:
    configured = settings.model_copy(update={"job_max_tries": 2})
    author, lessons = await author_and_lessons(session, configured, now)
    job_id = await generation_job(session, configured, author, lessons[0], now)
    down = Breaking(LocalProvider(), 0, ProviderUnavailable("the AI provider is unavailable (HTTP 503)"))
    runtime = make_runtime(configured, down)

    with pytest.raises(Retry):
        await generation_run(ctx(runtime, job_try=1), job_id)
    outcome = await generation_run(ctx(runtime, job_try=2), job_id)

    job = await job_row(session, job_id)
    assert outcome == "failed"
    assert (job.status, job.attempts, job.error) == ("FAILED", 2, "the AI provider is unavailable (HTTP 503)")
    assert job.finished_at == now
    assert await count(session, Problem) == 0


async def test_a_refused_request_fails_the_job_at_once(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime
) -> None:
    author, lessons = await author_and_lessons(session, settings, now)
    job_id = await generation_job(session, settings, author, lessons[0], now)
    refused = Breaking(LocalProvider(), 0, ProviderError("the AI provider refused the request: HTTP 400"))

    outcome = await generation_run(ctx(make_runtime(settings, refused)), job_id)

    job = await job_row(session, job_id)
    assert outcome == "failed"
    assert (job.status, job.attempts, job.error) == ("FAILED", 1, "the AI provider refused the request: HTTP 400")


# -- evaluation ----------------------------------------------------------------------------------


async def learners_answer(
    session: AsyncSession, settings: Settings, now: datetime, texts: list[list[str]]
) -> tuple[list[User], list[int]]:
    """One learner per list of texts, answering the FREE_TEXT problems of one lesson; returns the job ids."""
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,) * len(texts[0]))
    lesson = fixture.lessons[0]
    problems = fixture.problems[lesson.id]  # type: ignore[index]
    learners = []
    for index, answers in enumerate(texts):
        learner = await make_user(session, settings, now)
        inputs = tuple(submissions.AnswerInput(p.id, text=text) for p, text in zip(problems, answers, strict=True))  # type: ignore[arg-type]
        await submissions.submit(session, learner, submissions.SubmissionRequest(f"k{index}", inputs, lesson.id), now)
        learners.append(learner)
    await session.commit()
    job_ids = list((await session.execute(select(Job.id).order_by(Job.id))).scalars())  # type: ignore[arg-type]
    await session.commit()
    return learners, job_ids


GOOD = "It batches the keys into one query."
BAD = "No idea."


async def test_evaluation_grades_the_answers_and_finishes_the_submission(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime
) -> None:
    (learner,), (job_id,) = await learners_answer(session, settings, now, [[GOOD, BAD]])
    runtime = make_runtime(settings)

    outcome = await evaluation_run(ctx(runtime), job_id)
    again = await evaluation_run(ctx(runtime), job_id)

    job = await job_row(session, job_id)
    submission = (await session.execute(select(Submission))).scalar_one()
    await session.commit()
    assert (outcome, again) == ("succeeded", "nothing to do")
    assert (job.status, job.progress, job.result) == ("SUCCEEDED", 1.0, {"answers": 2, "submissionsGraded": 1})
    assert (submission.status, submission.score, submission.xp_awarded) == ("GRADED", 1.0, 20)
    assert await count(session, XpEvent) == 1


async def test_identical_answers_are_judged_once(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime, chat: ChatServer
) -> None:
    configured = openai_settings(settings, chat, ai_evaluation_batch_size=2)
    _, job_ids = await learners_answer(session, configured, now, [[GOOD], [f"  {GOOD.upper()} "], [BAD], [GOOD]])
    runtime = make_runtime(configured, OpenAIProvider(configured))

    for job_id in job_ids[:2]:
        await evaluation_run(ctx(runtime), job_id)
    calls_for_two = chat.script.calls()
    for job_id in job_ids[2:]:
        await evaluation_run(ctx(runtime), job_id)

    jobs = [await job_row(session, job_id) for job_id in job_ids]
    assert calls_for_two == 1  # the second learner's answer is the first one's, normalized
    assert chat.script.calls() == 2  # the bad answer; the fourth is a cache hit
    assert [(j.provider_calls, j.cache_hits) for j in jobs] == [(1, 0), (0, 1), (1, 0), (0, 1)]
    assert await count(session, Answer, Answer.status == "GRADED") == 4  # type: ignore[arg-type]


async def test_one_job_for_many_submissions_sends_batches_of_the_configured_size(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime, chat: ChatServer
) -> None:
    configured = openai_settings(settings, chat, ai_evaluation_batch_size=2)
    learners, _ = await learners_answer(session, configured, now, [[f"answer {i}", f"other {i}"] for i in range(3)])
    ids = list((await session.execute(select(Submission.id))).scalars())  # type: ignore[arg-type]
    bulk = await evaluation.request_many(session, learners[0].id, ids, now)  # type: ignore[arg-type]
    await session.commit()

    await evaluation_run(ctx(make_runtime(configured, OpenAIProvider(configured))), bulk.id)  # type: ignore[arg-type]

    assert chat.script.calls() == 3  # six answers, two per request
    assert await count(session, Submission, Submission.status == "GRADED") == 3  # type: ignore[arg-type]


async def test_an_evaluation_killed_half_way_awards_xp_once(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: MakeRuntime
) -> None:
    configured = settings.model_copy(update={"ai_evaluation_batch_size": 1, "ai_concurrency": 1})
    texts = [GOOD, "It batches all keys into a single query.", "Batching means one query for many keys."]
    (learner,), (job_id,) = await learners_answer(session, configured, now, [texts])
    dying = Breaking(LocalProvider(), 1, RuntimeError("worker lost"))

    with pytest.raises(Retry):
        await evaluation_run(ctx(make_runtime(configured, dying)), job_id)
    half = await count(session, Answer, Answer.status == "GRADED")  # type: ignore[arg-type]
    healthy = Breaking(LocalProvider(), 100, RuntimeError("unused"))
    await evaluation_run(ctx(make_runtime(configured, healthy), job_try=2), job_id)

    assert (half, dying.made, healthy.made) == (1, 1, 2)  # the graded answer is not asked for again
    submission = (await session.execute(select(Submission))).scalar_one()
    await session.commit()
    assert (submission.status, submission.xp_awarded) == ("GRADED", 60)
    assert await count(session, XpEvent) == 3
    user = await session.get(User, learner.id, populate_existing=True)
    assert user is not None
    assert user.xp == 60
