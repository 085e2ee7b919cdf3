"""Job runs logged (start, retry, finish with tokens and cost) and measured, with the AI provider's requests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from arq.worker import Retry
from prometheus_client import REGISTRY, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.settings import Settings
from tests.logs import JsonLines, json_logs
from tests.metrics import parse
from tests.workers.conftest import ChatServer, openai_settings
from tests.workers.test_jobs import Breaking, author_and_lessons, ctx, generation_job, job_row
from workers.ai.base import ProviderUnavailable
from workers.ai.local import LocalProvider
from workers.ai.openai import OpenAIProvider
from workers.jobs import generation_run
from workers.runtime import Runtime

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def logs(settings: Settings) -> Iterator[JsonLines]:
    with json_logs(settings) as lines:
        yield lines


async def test_a_job_logs_its_start_and_its_finish_with_tokens_and_cost(
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    make_runtime: Callable[..., Runtime],
    chat: ChatServer,
    logs: JsonLines,
) -> None:
    configured = openai_settings(settings, chat, ai_generation_batch_size=5)
    author, lessons = await author_and_lessons(session, configured, now)
    job_id = await generation_job(session, configured, author, lessons[0], now)

    outcome = await generation_run(ctx(make_runtime(configured, OpenAIProvider(configured))), job_id)

    job = await job_row(session, job_id)
    (start,) = logs.events("job.start")
    (finish,) = logs.events("job.finish")
    assert outcome == finish["outcome"] == "succeeded"
    assert (start["job_id"], start["job_kind"], start["job_try"]) == (job_id, "GENERATION", 1)
    assert (finish["job_id"], finish["job_kind"]) == (job_id, "GENERATION")
    assert finish["prompt_tokens"] == job.prompt_tokens > 0
    assert finish["completion_tokens"] == job.completion_tokens > 0
    assert finish["cost"] == pytest.approx(job.cost) != 0
    assert finish["provider_calls"] == 2
    assert finish["duration_ms"] > 0
    assert all(line.get("job_id") == job_id for line in logs.all())


async def test_a_retried_job_logs_the_retry_and_its_reason_without_a_traceback(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime], logs: JsonLines
) -> None:
    author, lessons = await author_and_lessons(session, settings, now)
    job_id = await generation_job(session, settings, author, lessons[0], now)
    down = Breaking(LocalProvider(), 0, ProviderUnavailable("the AI provider is unavailable (HTTP 503)"))

    with pytest.raises(Retry):
        await generation_run(ctx(make_runtime(settings, down)), job_id)

    (retry,) = logs.events("job.retry")
    assert retry["level"] == "warning"
    assert retry["job_id"] == job_id
    assert retry["reason"] == "the AI provider is unavailable (HTTP 503)"
    assert retry["defer_seconds"] > 0
    assert not logs.events("job.finish")
    assert not [line for line in logs.all() if "exception" in line]


async def test_an_unexpected_failure_logs_its_traceback_once(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime], logs: JsonLines
) -> None:
    configured = settings.model_copy(update={"job_max_tries": 1})
    author, lessons = await author_and_lessons(session, configured, now)
    job_id = await generation_job(session, configured, author, lessons[0], now)
    broken = Breaking(LocalProvider(), 0, RuntimeError("a bug"))

    outcome = await generation_run(ctx(make_runtime(configured, broken)), job_id)

    assert outcome == "failed"
    tracebacks = [line for line in logs.all() if "exception" in line]
    assert len(tracebacks) == 1
    assert tracebacks[0]["job_id"] == job_id
    assert "RuntimeError: a bug" in tracebacks[0]["exception"]
    (finish,) = logs.events("job.finish")
    assert (finish["outcome"], finish["error"]) == ("failed", "Internal error: RuntimeError.")


async def test_provider_requests_tokens_and_cost_are_measured_by_key_index_never_the_key(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime], chat: ChatServer
) -> None:
    configured = openai_settings(
        settings, chat, ai_api_keys=["secret-key-a", "secret-key-b"], ai_generation_batch_size=5
    )
    chat.script.plan("secret-key-a", "429")
    chat.script.plan("secret-key-b", "500")
    author, lessons = await author_and_lessons(session, configured, now)
    job_id = await generation_job(session, configured, author, lessons[0], now)
    before = parse(generate_latest(REGISTRY).decode())

    await generation_run(ctx(make_runtime(configured, OpenAIProvider(configured))), job_id)

    after = parse(generate_latest(REGISTRY).decode())
    job = await job_row(session, job_id)

    def grew(sample: str, **labels: str) -> float:
        return after.value(sample, **labels) - before.value(sample, **labels)

    assert grew("learnql_ai_requests_total", provider="openai", key="1", outcome="throttled") == 1
    assert grew("learnql_ai_requests_total", provider="openai", key="2", outcome="failed") == 1
    assert grew("learnql_ai_requests_total", provider="openai", outcome="ok") == 2
    assert grew("learnql_ai_tokens_total", provider="openai", kind="prompt") == job.prompt_tokens
    assert grew("learnql_ai_tokens_total", provider="openai", kind="completion") == job.completion_tokens
    assert grew("learnql_ai_cost_total", provider="openai") == pytest.approx(job.cost)
    assert grew("learnql_jobs_total", kind="GENERATION", outcome="succeeded") == 1
    assert "secret" not in generate_latest(REGISTRY).decode()
