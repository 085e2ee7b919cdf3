"""Job functions: `async def <area>_<verb>(ctx, job_id)`, run by arq workers or the in-process runner.

Each takes the id of a job row, opens its own sessions and calls domain services, one unit of work
per step (`rt.unit_of_work()`, committed when its block ends): every provider answer is cached and
its results written (and announced) in a transaction of its own, so a job killed half-way and run
again redoes only what was not committed, and a job run twice finds its work done. Provider outages
retry the job later with backoff (`arq.Retry`) until `job_max_tries`; then, or for a provider
refusing the request, the job FAILS with the reason.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, Generic, TypeVar

import structlog
from arq.worker import Retry

from domain.ai import evaluation, generation
from domain.ai.evaluation import Evaluated, Verdict
from domain.ai.generation import Generated
from domain.alerts import runs as alerts
from domain.alerts.requests import EVALUATE_FUNCTION
from domain.infra import metrics, tracing
from domain.infra.job_queue import JobFunction
from domain.infra.logs import get_logger
from domain.jobs import records as jobs
from domain.jobs.records import FINAL, Usage
from domain.models import Job, JobStatus, ProblemKind, User
from domain.reviews import fitting, personal
from domain.tutor import replies
from workers.ai import ProviderError, ProviderUnavailable
from workers.runtime import Runtime
from workers.tutor import tutor_reply

log = get_logger("learnql.jobs")
# A job's work; it returns "failed" when it failed the job itself (a refusal that no retry changes).
Body = Callable[[Runtime, Job], Awaitable[str | None]]
T = TypeVar("T")
R = TypeVar("R")

GENERATION_SHARE = 0.9  # of the progress bar: the provider's part; storing the problems is the rest
QUEUED_GRACE = timedelta(seconds=60)  # a job QUEUED this long may have lost its request: send it again
STALLED = "No sign of life from the worker (it stopped, or the job ran out of time)."


def runtime(ctx: dict[str, Any]) -> Runtime:
    found: Runtime = ctx["runtime"]
    return found


class Batches(Generic[T, R]):
    """Provider requests run concurrently, at most `limit` in flight; one writer `keep`s their results,
    all those that arrived while it was busy in one transaction (no lock convoy on the job row, and
    SQLite has one writer anyway). After a failure no new request starts; the results of the requests
    in flight are still written, then the first failure is raised."""

    def __init__(
        self, limit: int, ask: Callable[[T], Awaitable[R]], keep: Callable[[list[tuple[T, R]]], Awaitable[None]]
    ) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._ask, self._keep = ask, keep
        self._failed = False
        self._results: asyncio.Queue[tuple[T, R] | None] = asyncio.Queue()

    async def _one(self, item: T) -> None:
        try:
            async with self._slots:
                if self._failed:
                    return
                result = await self._ask(item)
        except Exception:
            self._failed = True
            raise
        self._results.put_nowait((item, result))

    async def _writer(self) -> None:
        finished = False
        while not finished:
            group = [await self._results.get()]
            while not self._results.empty():
                group.append(self._results.get_nowait())
            finished = None in group
            ready = [entry for entry in group if entry is not None]
            if ready:
                try:
                    await self._keep(ready)
                except Exception:
                    self._failed = True
                    raise

    async def run(self, items: Sequence[T]) -> None:
        writer = asyncio.create_task(self._writer())
        outcomes = await asyncio.gather(*(self._one(item) for item in items), return_exceptions=True)
        self._results.put_nowait(None)
        await writer
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome


# -- the entry points ----------------------------------------------------------------------------


async def generation_run(ctx: dict[str, Any], job_id: int, trace: dict[str, str] | None = None) -> str:
    """Generate problems for a lesson from the job's source text and store them as DRAFT problems."""
    with tracing.job_span("job generation_run", trace, **{"learnql.job_id": job_id}):
        return await _run(ctx, job_id, _generate)


async def evaluation_run(ctx: dict[str, Any], job_id: int, trace: dict[str, str] | None = None) -> str:
    """Grade the pending free-text answers of the job's submissions and finish those submissions."""
    with tracing.job_span("job evaluation_run", trace, **{"learnql.job_id": job_id}):
        return await _run(ctx, job_id, _evaluate)


async def jobs_sweep(ctx: dict[str, Any]) -> int:
    """Cron: send QUEUED jobs whose request may be lost again; fail RUNNING jobs whose worker died."""
    rt = runtime(ctx)
    now = rt.now()
    running_for = timedelta(seconds=rt.settings.job_timeout_seconds + 60)
    async with rt.unit_of_work() as session:
        overdue = await jobs.overdue(session, now, QUEUED_GRACE, running_for)
        for job in overdue:
            if job.status == JobStatus.RUNNING.value and job.id is not None:
                await jobs.fail(session, job.id, STALLED, now)
            else:
                jobs.defer(session, job)  # sent again after the commit; the queue drops it if it is still there
        await replies.fail_stalled(session, rt.settings, now, now - running_for)  # tutor replies left STREAMING
    return len(overdue)


async def review_parameters_fit(ctx: dict[str, Any], job_id: int, trace: dict[str, str] | None = None) -> str:
    """Fit the FSRS parameters of the job's learner to their review log; adopt them when better."""
    with tracing.job_span("job review_parameters_fit", trace, **{"learnql.job_id": job_id}):
        return await _run(ctx, job_id, _fit_parameters)


async def review_parameters_refit(ctx: dict[str, Any]) -> int:
    """Periodic: queue a fit for learners whose log grew enough since their last one."""
    rt = runtime(ctx)
    async with rt.unit_of_work() as session:
        return await personal.queue_refits(session, rt.settings, rt.now())


async def alerts_evaluate(ctx: dict[str, Any], student_id: int, trace: dict[str, str] | None = None) -> int:
    """Evaluate a student's alerts in each of their classes after their grades changed (domain/alerts/)."""
    rt = runtime(ctx)
    with tracing.job_span("job alerts_evaluate", trace, **{"learnql.student_id": student_id}):
        backends = rt.backends
        return len(await alerts.evaluate_student(backends.writers, backends, student_id, rt.now()))


async def alerts_sweep(ctx: dict[str, Any]) -> int:
    """Cron: evaluate every student of every class (inactivity, and requests that were dropped)."""
    rt = runtime(ctx)
    backends = rt.backends
    return len(await alerts.sweep(backends.readers, backends.writers, backends, rt.now()))


FUNCTIONS: dict[str, JobFunction] = {
    "generation_run": generation_run,
    "evaluation_run": evaluation_run,
    "review_parameters_fit": review_parameters_fit,
    "tutor_reply": tutor_reply,
    EVALUATE_FUNCTION: alerts_evaluate,
}


async def _run(ctx: dict[str, Any], job_id: int, body: Body) -> str:
    """One run of a job, logged as `job.start` and `job.finish` (or `job.retry`) with the job's id and
    kind bound to every line in between, and measured in learnql_jobs_total / _duration_seconds."""
    rt = runtime(ctx)
    job_try = int(ctx.get("job_try") or 1)
    metrics.start_tally()  # its own statement count, not that of the request whose task started it
    started = time.perf_counter()
    with structlog.contextvars.bound_contextvars(job_id=job_id, job_try=job_try):
        async with rt.unit_of_work() as session:
            job = await jobs.start(session, job_id, rt.now())
        if job is None:
            log.info("job.skip", reason="not queued (done already, or unknown)")
            metrics.JOBS.labels("unknown", "skipped").inc()
            return "nothing to do"
        with structlog.contextvars.bound_contextvars(job_kind=job.kind):
            return await _observed(rt, job, job_try, body, started)


async def _observed(rt: Runtime, job: Job, job_try: int, body: Body, started: float) -> str:
    log.info("job.start", lesson_id=job.lesson_id)
    try:
        outcome = await _attempt(rt, job, job_try, body)
    except Retry as retry:
        _measure(job.kind, "retried", started)
        log.warning("job.retry", defer_seconds=(retry.defer_score or 0) / 1000, reason=str(retry.__cause__))
        raise
    duration = _measure(job.kind, outcome, started)
    async with rt.reading() as session:
        final = await session.get(Job, job.id)
    log.info(
        "job.finish",
        outcome=outcome,
        duration_ms=round(duration * 1000, 2),
        prompt_tokens=final.prompt_tokens if final else None,
        completion_tokens=final.completion_tokens if final else None,
        cost=final.cost if final else None,
        provider_calls=final.provider_calls if final else None,
        cache_hits=final.cache_hits if final else None,
        error=final.error if final else None,
    )
    return outcome


def _measure(kind: str, outcome: str, started: float) -> float:
    duration = time.perf_counter() - started
    metrics.JOBS.labels(kind, outcome).inc()
    metrics.JOB_DURATION.labels(kind, outcome).observe(duration)
    return duration


async def _attempt(rt: Runtime, job: Job, job_try: int, body: Body) -> str:
    job_id = job.id or 0
    try:
        failed = await body(rt, job)
    except ProviderUnavailable as error:
        await _spent(rt, job_id, error.usage)
        if job_try < rt.settings.job_max_tries:
            await _write(rt, jobs.retry_later, job_id, f"{error} (try {job_try}; retrying)")
            raise Retry(defer=rt.settings.ai_backoff_max_seconds * job_try) from error
        await _write(rt, jobs.fail, job_id, str(error))
        return "failed"
    except ProviderError as error:
        await _spent(rt, job_id, error.usage)
        await _write(rt, jobs.fail, job_id, str(error))
        return "failed"
    except Exception as error:
        log.exception("job.error")  # unexpected: the one traceback, with the job's id bound
        if job_try < rt.settings.job_max_tries:
            await _write(rt, jobs.retry_later, job_id, f"Internal error (try {job_try}; retrying).")
            raise Retry(defer=rt.settings.ai_backoff_max_seconds * job_try) from error
        await _write(rt, jobs.fail, job_id, f"Internal error: {error.__class__.__name__}.")
        return "failed"
    return failed or "succeeded"


async def _write(rt: Runtime, change: Callable[..., Awaitable[None]], job_id: int, error: str) -> None:
    async with rt.unit_of_work() as session:
        await change(session, job_id, error, rt.now())


async def _spent(rt: Runtime, job_id: int, usage: Usage) -> None:
    if usage.requests:
        async with rt.unit_of_work() as session:
            await jobs.report(session, job_id, rt.now(), rt.settings, usage=usage)


# -- generation ----------------------------------------------------------------------------------


async def _generate(rt: Runtime, job: Job) -> None:
    assert job.id is not None
    assert job.lesson_id is not None
    job_id, settings = job.id, rt.settings
    count = int(job.params["count"])
    kinds = [ProblemKind(kind) for kind in job.params["kinds"]]
    chunks = generation.plan_chunks(
        job.source_text or "", count, settings.ai_generation_batch_size, settings.ai_chunk_max_chars
    )
    keys = [generation.chunk_key(rt.provider.identity, chunk, kinds) for chunk in chunks]
    async with rt.reading() as session:
        known = await generation.cached(session, keys)
    results = {index: known[key] for index, key in enumerate(keys) if key in known}
    if results:
        async with rt.unit_of_work() as session:
            done = GENERATION_SHARE * len(results) / len(chunks)
            await jobs.report(session, job_id, rt.now(), settings, done=done, cache_hits=len(results))

    async def ask(index: int) -> Generated:
        return await rt.provider.generate(chunks[index].text, chunks[index].count, kinds)

    async def keep(answered: list[tuple[int, Generated]]) -> None:
        async with rt.unit_of_work() as session:
            usage = Usage()
            for index, generated in answered:
                await generation.remember(session, keys[index], generated.items, rt.now())
                results[index] = generated.items
                usage += generated.usage
            done = GENERATION_SHARE * len(results) / len(chunks)
            await jobs.report(session, job_id, rt.now(), settings, done=done, usage=usage)

    await Batches(settings.ai_concurrency, ask, keep).run([i for i in range(len(chunks)) if i not in results])
    items = [item for index in sorted(results) for item in results[index]]
    drafts, rejected = generation.select_drafts(items, job.lesson_id, kinds, count)
    async with rt.unit_of_work() as session:
        locked = await jobs.lock(session, job.id)
        if locked is None or locked.status in FINAL:
            return
        problem_ids = await generation.store(session, locked, drafts, rt.now())
        result = {
            "problemIds": problem_ids,
            "requested": count,
            "chunks": len(chunks),
            "rejected": len(rejected),
            "rejections": rejected[:20],
        }
        await jobs.finish(session, locked, rt.now(), result=result)


# -- review parameters ---------------------------------------------------------------------------


async def _fit_parameters(rt: Runtime, job: Job) -> str | None:
    assert job.id is not None
    async with rt.reading() as session:
        user = await session.get(User, job.created_by)
        reviews = await personal.review_log(session, job.created_by)
    timezone = user.timezone if user is not None else "UTC"
    try:  # CPU work (FSRS-rs): off the event loop
        fit = await asyncio.to_thread(fitting.fit, reviews, timezone, rt.settings.review_parameters_holdout)
    except fitting.NotEnoughReviews as error:
        await _write(rt, jobs.fail, job.id, str(error))
        return "failed"
    async with rt.unit_of_work() as session:
        locked = await jobs.lock(session, job.id)
        if locked is None or locked.status in FINAL:
            return None
        adopted = await personal.store(session, job.created_by, fit, rt.now())
        result = {
            "adopted": adopted,
            "defaultLogLoss": fit.default_log_loss,
            "fittedLogLoss": fit.fitted_log_loss,
            "reviewCount": fit.review_count,
            "trainingItems": fit.training_items,
            "heldOutItems": fit.held_out_items,
        }
        await jobs.finish(session, locked, rt.now(), result=result)
    metrics.REVIEW_PARAMETER_FITS.labels("adopted" if adopted else "rejected").inc()  # committed
    return None


# -- evaluation ----------------------------------------------------------------------------------


async def _evaluate(rt: Runtime, job: Job) -> None:
    assert job.id is not None
    job_id, settings = job.id, rt.settings
    async with rt.reading() as session:
        pending = await evaluation.pending_answers(session, [int(i) for i in job.params["submissionIds"]])
    items = {answer.answer_id: answer.item(rt.provider.identity) for answer in pending}
    if not items:  # graded by an earlier run of this job (or another job)
        await _finish(rt, job_id, {"answers": 0, "submissionsGraded": 0})
        return
    answers_of: dict[str, list[int]] = {}
    for answer_id, item in items.items():
        answers_of.setdefault(item.key, []).append(answer_id)
    async with rt.reading() as session:
        hits = await evaluation.cached(session, list(answers_of))
    unique = {item.key: item for item in items.values()}
    misses = [key for key in answers_of if key not in hits]
    graded = 0
    finished: list[int] = []

    async def write(verdicts: dict[str, Verdict], usage: Usage, cache_hits: int = 0) -> None:
        nonlocal graded
        async with rt.unit_of_work() as session:
            await evaluation.remember(session, verdicts, rt.now())
            by_answer = {answer_id: verdicts[key] for key in verdicts for answer_id in answers_of[key]}
            finished.extend(await evaluation.apply(session, by_answer, settings.ai_pass_score, rt.now()))
            graded += len(by_answer)
            done = graded / len(items)
            await jobs.report(session, job_id, rt.now(), settings, done=done, usage=usage, cache_hits=cache_hits)

    if hits or not misses:
        await write(hits, Usage(), cache_hits=len(items) - len(misses))
    elif len(items) > len(misses):
        async with rt.unit_of_work() as session:
            await jobs.report(session, job_id, rt.now(), settings, cache_hits=len(items) - len(misses))

    async def ask(keys: list[str]) -> Evaluated:
        return await rt.provider.evaluate([unique[key] for key in keys])

    async def keep(answered: list[tuple[list[str], Evaluated]]) -> None:
        verdicts = {key: evaluation.clamp(outcome.verdicts[key]) for keys, outcome in answered for key in keys}
        usage = sum((outcome.usage for _, outcome in answered), Usage())
        await write(verdicts, usage)

    size = settings.ai_evaluation_batch_size
    batches = [misses[start : start + size] for start in range(0, len(misses), size)]
    await Batches(settings.ai_concurrency, ask, keep).run(batches)
    await _finish(rt, job_id, {"answers": len(items), "submissionsGraded": len(finished)})


async def _finish(rt: Runtime, job_id: int, result: dict[str, Any]) -> None:
    async with rt.unit_of_work() as session:
        locked = await jobs.lock(session, job_id)
        if locked is not None and locked.status not in FINAL:
            await jobs.finish(session, locked, rt.now(), result=result)
