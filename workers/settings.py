"""arq worker settings: `uv run arq workers.settings.WorkerSettings` (needs LEARNQL_REDIS_URL), and
`uv run arq workers.settings.TutorWorkerSettings` for the tutor's streamed replies (a queue of their own).

The worker reads the same LEARNQL_* settings as the API: database, Redis (queue, pub/sub, cache),
and the AI provider. Jobs are retried up to LEARNQL_JOB_MAX_TRIES times (provider outages, a killed
worker) and time out after LEARNQL_JOB_TIMEOUT_SECONDS; a cron sweep every minute re-sends QUEUED
jobs whose request was lost and fails RUNNING jobs whose worker died, and an hourly one queues FSRS
parameter fits for learners whose review log grew enough (domain/reviews/personal.py). Logs are structured like the
API's (LEARNQL_LOG_FORMAT); with LEARNQL_WORKER_METRICS_PORT the worker serves its Prometheus metrics
(jobs, AI requests, tokens and cost, database pool) at http://<host>:<port>/metrics.

Nothing is read at import: `WorkerSettings` and `TutorWorkerSettings` are built from the settings when arq asks for it, and
the worker's backends (domain/backends.py) and AI provider open in arq's `on_startup`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from arq import cron, func
from arq.connections import RedisSettings
from prometheus_client import start_http_server

from domain.alerts.requests import EVALUATE_FUNCTION
from domain.infra.logs import configure_logging
from domain.infra.tracing import configure_tracing, shutdown_tracing
from domain.settings import Settings, get_settings
from domain.tutor.threads import REPLY_FUNCTION
from workers.jobs import FUNCTIONS, alerts_sweep, jobs_sweep, review_parameters_refit
from workers.runtime import Runtime

log = logging.getLogger("learnql.worker")


def _startup(settings: Settings) -> Callable[[dict[str, Any]], Awaitable[None]]:
    async def startup(ctx: dict[str, Any]) -> None:
        if not settings.redis_url:
            raise RuntimeError("the arq worker needs LEARNQL_REDIS_URL")
        settings.check_production()
        configure_logging(settings)
        configure_tracing(settings)
        if settings.worker_metrics_port is not None:  # the worker's own /metrics, for Prometheus to scrape
            start_http_server(settings.worker_metrics_port)
            log.info("learnql worker: metrics on :%d/metrics", settings.worker_metrics_port)
        ctx["runtime"] = Runtime.open(settings)
        log.info("learnql worker: provider %s, queue %s", ctx["runtime"].provider.identity, settings.jobs_queue)

    return startup


async def shutdown(ctx: dict[str, Any]) -> None:
    runtime: Runtime | None = ctx.get("runtime")
    if runtime is not None:
        await runtime.close()
    shutdown_tracing()


def _function(name: str) -> Any:
    # An alert evaluation is keyed by its student: with no result kept, the next request for that
    # student is queued again as soon as this one finished (arq refuses a key whose result it keeps).
    return func(cast(Any, FUNCTIONS[name]), name=name, keep_result=0) if name == EVALUATE_FUNCTION else FUNCTIONS[name]


def alerts_cron(settings: Settings) -> list[Any]:
    """The alerts sweep every LEARNQL_ALERTS_SWEEP_MINUTES: at the minutes of the hour divisible by it
    (up to 60), or at the full hours divisible by it in hours beyond; none for 0."""
    minutes = settings.alerts_sweep_minutes
    if minutes <= 0:
        return []
    at: dict[str, Any] = (
        {"minute": set(range(0, 60, minutes))}
        if minutes < 60
        else {"minute": {0}, "hour": set(range(0, 24, max(1, minutes // 60)))}
    )
    name = f"cron:{settings.redis_prefix}alerts_sweep"
    return [cron(alerts_sweep, name=name, second={30}, unique=True, timeout=600, **at)]


def worker_settings(settings: Settings) -> dict[str, Any]:
    """arq's Worker arguments for these settings."""
    return {
        "functions": [_function(name) for name in FUNCTIONS if name != REPLY_FUNCTION],
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
            ),
            # hourly; what is due is read from the database, so a missed hour is caught up by the next
            cron(
                review_parameters_refit,
                name=f"cron:{settings.redis_prefix}review_parameters_refit",
                minute={23},
                second={30},
                unique=True,
                timeout=120,
            ),
            *alerts_cron(settings),
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


def tutor_worker_settings(settings: Settings) -> dict[str, Any]:
    """arq's Worker arguments for tutor replies: each streams for seconds while mostly waiting for the
    provider, so many run at a time (LEARNQL_TUTOR_CONCURRENCY), on a queue of their own that the
    other jobs never wait behind, looked at every LEARNQL_TUTOR_POLL_INTERVAL_MS (the learner waits for
    the first words: arq's default half second would be most of that wait). Not retried by arq: a reply that broke off is FAILED with its text
    (workers/tutor.py); the main worker's sweep fails replies whose worker died."""
    return {
        "functions": [FUNCTIONS[REPLY_FUNCTION]],
        "on_startup": _startup(settings),
        "on_shutdown": shutdown,
        "redis_settings": RedisSettings.from_dsn(settings.redis_url or "redis://127.0.0.1:6379/0"),
        "queue_name": settings.tutor_queue,
        "max_tries": 1,
        "job_timeout": settings.job_timeout_seconds,
        "max_jobs": settings.tutor_concurrency,
        "poll_delay": settings.tutor_poll_interval_ms / 1000,
        "keep_result": 3600,
        "health_check_key": f"{settings.tutor_queue}:health-check",
    }


def __getattr__(name: str) -> Any:
    """`WorkerSettings` and `TutorWorkerSettings`, made when arq looks them up
    (`arq workers.settings.WorkerSettings`)."""
    if name == "WorkerSettings":
        return worker_settings(get_settings())
    if name == "TutorWorkerSettings":
        return tutor_worker_settings(get_settings())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
