"""arq worker settings: `uv run arq workers.settings.WorkerSettings` (needs LEARNQL_REDIS_URL).

The worker reads the same LEARNQL_* settings as the API: database, Redis (queue, pub/sub, cache),
and the AI provider. Jobs are retried up to LEARNQL_JOB_MAX_TRIES times (provider outages, a killed
worker) and time out after LEARNQL_JOB_TIMEOUT_SECONDS; a cron sweep every minute re-sends QUEUED
jobs whose request was lost and fails RUNNING jobs whose worker died.

Nothing is read at import: `WorkerSettings` is built from the settings when arq asks for it, and
the worker's backends (domain/backends.py) and AI provider open in arq's `on_startup`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from arq import cron
from arq.connections import RedisSettings

from domain.settings import Settings, get_settings
from workers.jobs import FUNCTIONS, jobs_sweep
from workers.runtime import Runtime

log = logging.getLogger("learnql.worker")


def _startup(settings: Settings) -> Callable[[dict[str, Any]], Awaitable[None]]:
    async def startup(ctx: dict[str, Any]) -> None:
        if not settings.redis_url:
            raise RuntimeError("the arq worker needs LEARNQL_REDIS_URL")
        settings.check_production()
        ctx["runtime"] = Runtime.open(settings)
        log.info("learnql worker: provider %s, queue %s", ctx["runtime"].provider.identity, settings.jobs_queue)

    return startup


async def shutdown(ctx: dict[str, Any]) -> None:
    runtime: Runtime | None = ctx.get("runtime")
    if runtime is not None:
        await runtime.close()


def worker_settings(settings: Settings) -> dict[str, Any]:
    """arq's Worker arguments for these settings."""
    return {
        "functions": list(FUNCTIONS.values()),
        # arq names a cron run's job "<name>:<time in ms>" in keys shared by every queue on the Redis
        # server: the prefix keeps two deployments (or test runs) sharing one Redis from skipping each
        # other's sweeps as duplicates.
        "cron_jobs": [
            cron(
                jobs_sweep,
                name=f"cron:{settings.redis_prefix}jobs_sweep",
                second={0},
                run_at_startup=True,
                unique=True,
                timeout=60,
            )
        ],
        "on_startup": _startup(settings),
        "on_shutdown": shutdown,
        "redis_settings": RedisSettings.from_dsn(settings.redis_url or "redis://127.0.0.1:6379/0"),
        "queue_name": settings.jobs_queue,
        "max_tries": settings.job_max_tries,
        "job_timeout": settings.job_timeout_seconds,
        "max_jobs": 10,
        "keep_result": 3600,
        "health_check_key": f"{settings.jobs_queue}:health-check",
    }


def __getattr__(name: str) -> Any:
    """`WorkerSettings`, made when arq looks it up (`arq workers.settings.WorkerSettings`)."""
    if name == "WorkerSettings":
        return worker_settings(get_settings())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
