"""The job queue: one interface, an in-process runner (the embedded default) and arq on Redis (production).

Both run the same job functions, `async def <area>_<verb>(ctx, *ids)`, with the same `ctx` keys
(`job_id`, `job_try`, and what the context factory adds) and the same retry rule: a function raising
`arq.Retry(defer=...)` runs again after the delay until `max_tries` is reached. Requests are only
sent after the transaction that recorded them committed (domain/outbox.py), and each carries a
key derived from its row (a job row; a tutor reply's message row), so sending one twice is a no-op.
Some functions run in a `Lane` of their own (domain/backends.py `job_lanes`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from arq import ArqRedis, create_pool
from arq.connections import RedisSettings
from arq.worker import Retry

from domain.infra import periodic as timers
from domain.infra import tracing
from domain.infra.health import Dependency
from domain.infra.transient import is_transient

log = logging.getLogger("learnql.jobs")

JobFunction = Callable[..., Awaitable[Any]]
ContextFactory = Callable[[], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Enqueue:
    """A request to run `function(job_id)`; `key` identifies it in the queue (duplicates are dropped)."""

    function: str
    job_id: int
    namespace: str = "job"  # of the id: "job" for job rows; tutor replies are TutorMessage ids
    # W3C trace context of whoever asked for the job, taken when the request is made (in the resolver
    # that queued it: the outbox sends it only after the commit, outside that resolver's span).
    trace: dict[str, str] | None = field(default_factory=tracing.inject, compare=False)

    @property
    def key(self) -> str:
        return f"learnql:{self.namespace}:{self.job_id}"


@dataclass(frozen=True)
class Lane:
    """A queue of its own for some functions: long jobs that mostly wait (streamed tutor replies) neither
    wait behind the others nor take their slots. arq: a queue name (its own worker, with its own
    `max_jobs`); in-process: a number of jobs at a time."""

    queue_name: str
    concurrency: int


class JobQueue(Protocol):
    redis: Dependency | None = None  # arq's Redis, told of failures and successes (domain/infra/health.py)

    @abstractmethod
    async def enqueue(self, request: Enqueue) -> bool:
        """Queue the request; False when one with its key is queued or running already (arq: or finished
        within its `keep_result` time)."""

    async def send(self, requests: Sequence[Enqueue]) -> None:
        """Queue committed requests. A failure is logged, not raised: the rows stay QUEUED and the
        worker's sweep sends them again."""
        for request in requests:
            try:
                await self.enqueue(request)
            except Exception as error:
                if self.redis is not None and is_transient(error):
                    self.redis.failed(error)  # an outage is logged once, not once per job
                else:
                    log.exception("could not queue job %s", request.key)
            else:
                if self.redis is not None:
                    self.redis.succeeded()

    async def close(self) -> None:
        """Release connections; the in-process runner lets running jobs finish first."""
        return None  # a default for implementations that need none


@dataclass(frozen=True)
class Periodic:
    """A function `async def f(ctx)` the in-process runner calls every `seconds` (arq: a cron job)."""

    name: str
    function: Callable[[dict[str, Any]], Awaitable[Any]]
    seconds: float


class InProcessJobQueue(JobQueue):
    """Runs jobs as tasks of this process, at most `concurrency` at a time (the embedded default)."""

    def __init__(
        self,
        functions: Mapping[str, JobFunction],
        context: ContextFactory,
        *,
        max_tries: int = 3,
        concurrency: int = 4,
        on_close: Callable[[], Awaitable[None]] | None = None,
        autostart: bool = True,
        lanes: Mapping[str, Lane] | None = None,
        periodic: Sequence[Periodic] = (),
    ) -> None:
        self._functions = functions
        self._periodic = periodic
        self._timers: list[timers.Periodic] = []
        self._context = context
        self._max_tries = max_tries
        self._slots = asyncio.Semaphore(concurrency)
        self._lanes = {name: asyncio.Semaphore(lane.concurrency) for name, lane in (lanes or {}).items()}
        self._on_close = on_close
        self._autostart = autostart
        self._waiting: dict[str, Enqueue] = {}  # without autostart: queued until `drain`
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._closed = False

    async def enqueue(self, request: Enqueue) -> bool:
        # Only queued and running jobs are remembered: a finished job sent again runs again and
        # returns at once (job functions are safe to run twice).
        if self._closed or request.key in self._tasks or request.key in self._waiting:
            return False
        if request.function not in self._functions:
            raise LookupError(f"no job function {request.function!r}")
        if self._autostart:
            self._start(request)
        else:
            self._waiting[request.key] = request
        return True

    def _start(self, request: Enqueue) -> None:
        task = asyncio.create_task(self._run(request), name=request.key)
        self._tasks[request.key] = task
        task.add_done_callback(lambda _: self._tasks.pop(request.key, None))

    async def _run(self, request: Enqueue) -> None:
        function = self._functions[request.function]
        for job_try in range(1, self._max_tries + 1):
            delay = 0.0
            async with self._lanes.get(request.function, self._slots):
                ctx = await self._context() | {"job_id": request.key, "job_try": job_try}
                try:
                    await function(ctx, request.job_id, **_trace_argument(request))
                    return
                except Retry as retry:
                    delay = (retry.defer_score or 0) / 1000
                except Exception:
                    log.exception("job %s failed", request.key)
                    return
            if job_try < self._max_tries:
                await asyncio.sleep(delay)
        log.warning("job %s: max %d tries exceeded", request.key, self._max_tries)

    @property
    def periodic(self) -> Sequence[Periodic]:
        """The functions this runner calls every so often once `start_periodic` ran."""
        return self._periodic

    def start_periodic(self) -> None:
        """Start the periodic functions (with autostart only: tests call them when they mean to)."""
        if self._autostart and not self._closed and not self._timers:
            self._timers = [
                timers.Periodic(f"learnql:{p.name}", partial(self._call, p), p.seconds, log, wait_first=True)
                for p in self._periodic
            ]
            for timer in self._timers:
                timer.start()

    async def _call(self, periodic: Periodic) -> None:
        await periodic.function(await self._context())

    async def drain(self) -> None:
        """Run every queued job (also without autostart) and wait until they, and the jobs they queue, are done."""
        while self._tasks or self._waiting:
            waiting, self._waiting = list(self._waiting.values()), {}
            for request in waiting:
                self._start(request)
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    @property
    def waiting(self) -> list[Enqueue]:
        """Requests queued and not started (without autostart)."""
        return list(self._waiting.values())

    async def close(self) -> None:
        self._closed = True
        for timer in self._timers:
            await timer.close()
        self._waiting.clear()  # their rows stay QUEUED
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drain(), timeout=10)
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
        if self._on_close is not None:
            await self._on_close()


class ArqJobQueue(JobQueue):
    """arq on Redis: separate worker processes (`arq workers.settings.WorkerSettings`) run the jobs."""

    def __init__(
        self, redis_url: str, queue_name: str, key_prefix: str = "", lanes: Mapping[str, Lane] | None = None
    ) -> None:
        self._settings = RedisSettings.from_dsn(redis_url)
        self._queue_name = queue_name
        self._queues = {name: lane.queue_name for name, lane in (lanes or {}).items()}
        self._key_prefix = key_prefix  # arq's job keys are global: deployments sharing a Redis must not meet
        self._pool: ArqRedis | None = None
        self._lock = asyncio.Lock()

    async def _connected(self) -> ArqRedis:
        async with self._lock:
            if self._pool is None:
                self._pool = await create_pool(self._settings, default_queue_name=self._queue_name)
            return self._pool

    async def enqueue(self, request: Enqueue) -> bool:
        pool = await self._connected()
        job_id = self._key_prefix + request.key
        queue = self._queues.get(request.function, self._queue_name)
        job = await pool.enqueue_job(
            request.function, request.job_id, _job_id=job_id, _queue_name=queue, **_trace_argument(request)
        )
        return job is not None

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None


def _trace_argument(request: Enqueue) -> dict[str, Any]:
    return {"trace": request.trace} if request.trace else {}
