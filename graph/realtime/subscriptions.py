"""RealtimeSubscription: leaderboardUpdated, submissionGraded, jobProgress.

Resolvers check their arguments and the viewer before returning the stream, so a bad request is
answered with the protocol's `error` message (with `extensions.code`) instead of an empty stream.
A WebSocket connection shares one context among its operations; each stream releases the context's
database session between events, so no transaction stays open while a subscriber waits.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, cast

import strawberry
from strawberry.types import Info

from domain import policies
from domain.errors import NotFound
from domain.infra.broker import Gap
from domain.realtime import events
from domain.realtime.dispatch import job_channel, submissions_channel
from domain.realtime.events import JobStatus
from domain.realtime.leaderboards import Scope
from graph import ids
from graph.context import Context
from graph.jobs.types import Job, may_view
from graph.learning.types import Submission
from graph.realtime.live import Snapshot
from graph.realtime.resolvers import board_size, checked_scope
from graph.realtime.sharing import ShareKey, encoded_result, share_key
from graph.realtime.transport import direct_sender, send_next
from graph.realtime.types import Leaderboard, LeaderboardScopeInput
from graph.selection import selects

FINAL_JOB_STATES = {JobStatus.SUCCEEDED, JobStatus.FAILED}


def _view(snapshot: Snapshot, first: int, viewer_id: int | None) -> Leaderboard:
    """The Leaderboard object for one kind of watcher, built once per snapshot and shared."""
    key = (first, viewer_id)
    view = snapshot.views.get(key)
    if view is None:
        board = snapshot.board
        viewer = snapshot.viewers.get(viewer_id) if viewer_id is not None else None
        entries = board.entries[:first]
        shaped = type(board)(board.scope, entries, viewer, board.computed_at)
        view = snapshot.views[key] = Leaderboard.from_domain(shaped, snapshot.users, shared=viewer_id is None)
    assert isinstance(view, Leaderboard)
    return view


async def _boards(
    context: Context, scope: Scope, first: int, viewer_id: int | None, shared_as: ShareKey | None
) -> AsyncIterator[Leaderboard]:
    live = context.services.live
    sender = direct_sender() if shared_as is not None else None
    watch = await live.watch(scope, first, viewer_id)
    try:
        async for snapshot in watch:
            view = _view(snapshot, first, viewer_id)
            executed = encoded_result(view, shared_as) if sender is not None and shared_as is not None else None
            if executed is None:  # the first of its group: through GraphQL, which shares the result
                yield view
                await context.release()
            elif sender is not None and not await send_next(sender, executed):
                return
    finally:
        await live.unwatch(watch)


async def _submissions(context: Context, viewer_id: int) -> AsyncIterator[Submission]:
    broker = context.services.realtime.broker
    size = context.settings.subscription_queue_size
    async with broker.subscribe(submissions_channel(viewer_id), maxsize=size) as messages:
        async for message in messages:
            if isinstance(message, Gap):
                continue
            row = await context.loaders.submission_by_id.load(int(message["submission"]))
            if row is not None and policies.can_view_submission(viewer_id, row):
                yield Submission.from_model(row)
            await context.release()


async def _jobs(context: Context, job_id: int) -> AsyncIterator[Job]:
    broker = context.services.realtime.broker
    size = context.settings.subscription_queue_size
    async with broker.subscribe(job_channel(job_id), maxsize=size) as messages:
        # Read once the channel is listened to: a job that finished before is answered with its final
        # state at once (nothing can slip in between), one still under way by its next change.
        job = await context.loaders.job_by_id.load(job_id)
        await context.release()
        if job is not None and JobStatus(job.status) in FINAL_JOB_STATES:
            yield Job.from_model(job)
            return
        async for message in messages:
            if isinstance(message, Gap):
                continue
            progress = events.decode_job(message)
            yield Job.from_event(progress)
            if progress.status in FINAL_JOB_STATES:
                return
            await context.release()  # the other Job fields load afresh for the next update


@strawberry.type
class RealtimeSubscription:
    @strawberry.subscription(
        description="The leaderboard now, then again whenever its first `first` places or the viewer's own "
        "place change. Bursts are coalesced (at most about ten updates a second); the last update is "
        "always the current state, and a client that reads slowly skips to the newest state."
    )
    async def leaderboard_updated(
        self, info: Info[Context, Any], scope: LeaderboardScopeInput, first: int | None = 10
    ) -> AsyncGenerator[Leaderboard, None]:
        context = info.context
        size = board_size(first, context.settings.max_page_size)
        wanted = await checked_scope(context, scope)
        viewer_id = context.viewer_id if selects(info, "viewerEntry") else None
        raw = info._raw_info  # the operation as graphql-core runs it: what shared subscribers have in common
        variables = cast(dict[str, Any], raw.variable_values)  # strawberry hands resolvers the coerced dict
        shared_as = share_key(raw.schema, raw.operation, raw.fragments, variables)
        await context.release()
        return _boards(context, wanted, size, viewer_id, shared_as if viewer_id is None else None)  # type: ignore[return-value]

    @strawberry.subscription(
        description="The viewer's own submissions as their grading finishes (free-text answers are graded later)."
    )
    async def submission_graded(self, info: Info[Context, Any]) -> AsyncGenerator[Submission, None]:
        context = info.context
        viewer = await context.require_viewer()
        await context.release()
        assert viewer.id is not None
        return _submissions(context, viewer.id)  # type: ignore[return-value]

    @strawberry.subscription(
        description="Status and progress of one of the viewer's jobs as it changes; completes once it SUCCEEDED "
        "or FAILED (at once, with that state, for a job that is done already). Read `job(id)` for where it is now."
    )
    async def job_progress(self, info: Info[Context, Any], job_id: strawberry.ID) -> AsyncGenerator[Job, None]:
        context = info.context
        viewer = await context.require_viewer()
        job = await context.loaders.job_by_id.load(ids.decode(job_id, "Job", ["jobId"]))
        if job is None or not await may_view(context, viewer, job):
            raise NotFound("No such job.", field=["jobId"])  # someone else's job looks like a missing one
        await context.release()
        return _jobs(context, job.id or 0)  # type: ignore[return-value]
