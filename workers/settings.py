"""arq worker settings: `uv run arq workers.settings.WorkerSettings` (needs LEARNQL_REDIS_URL), and
`uv run arq workers.settings.TutorWorkerSettings` for the tutor's streamed replies (a queue of their own).

The worker reads the same LEARNQL_* settings as the API: database, Redis (queue, pub/sub, cache),
and the AI provider. Jobs are retried up to LEARNQL_JOB_MAX_TRIES times (provider outages, a killed
worker) and time out after LEARNQL_JOB_TIMEOUT_SECONDS; a cron sweep every minute re-sends QUEUED
jobs whose request was lost and fails RUNNING jobs whose worker died.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from arq import cron
from arq.connections import RedisSettings

from domain.settings import get_settings
from workers.jobs import FUNCTIONS, jobs_sweep
from workers.runtime import Runtime
from workers.tutor import tutor_reply

log = logging.getLogger("learnql.worker")
_settings = get_settings()


async def startup(ctx: dict[str, Any]) -> None:
    if not _settings.redis_url:
        raise RuntimeError("the arq worker needs LEARNQL_REDIS_URL")
    _settings.check_production()
    ctx["runtime"] = Runtime.open(_settings)
    log.info("learnql worker: provider %s, queue %s", ctx["runtime"].provider.identity, _settings.jobs_queue)


async def shutdown(ctx: dict[str, Any]) -> None:
    runtime: Runtime | None = ctx.get("runtime")
    if runtime is not None:
        await runtime.close()


class WorkerSettings:
    functions: ClassVar = [function for name, function in FUNCTIONS.items() if name != "tutor_reply"]
    # arq names a cron run's job "<name>:<time in ms>" in keys shared by every queue on the Redis
    # server: the prefix keeps two deployments (or test runs) sharing one Redis from skipping each
    # other's sweeps as duplicates.
    cron_jobs: ClassVar = [
        cron(
            jobs_sweep,
            name=f"cron:{_settings.redis_prefix}jobs_sweep",
            second={0},
            run_at_startup=True,
            unique=True,
            timeout=60,
        )
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(_settings.redis_url or "redis://127.0.0.1:6379/0")
    queue_name = _settings.jobs_queue
    max_tries = _settings.job_max_tries
    job_timeout = _settings.job_timeout_seconds
    max_jobs = 10
    keep_result = 3600
    health_check_key = f"{_settings.jobs_queue}:health-check"


class TutorWorkerSettings:
    """Tutor replies: each streams for seconds while mostly waiting for the provider, so many run at a
    time (LEARNQL_TUTOR_CONCURRENCY), on a queue of their own that the other jobs never wait behind.
    Not retried by arq: a reply that broke off is FAILED with its text (workers/tutor.py)."""

    functions: ClassVar = [tutor_reply]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = WorkerSettings.redis_settings
    queue_name = _settings.tutor_queue
    max_tries = 1
    job_timeout = _settings.job_timeout_seconds
    max_jobs = _settings.tutor_concurrency
    keep_result = 3600
    health_check_key = f"{_settings.tutor_queue}:health-check"
