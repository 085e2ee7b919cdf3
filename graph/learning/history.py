"""A user's history on the User type: `submissions` and `xpEvents`, keyset connections newest first.

Only the user themselves sees them (`policies.can_view_learning_history`); on anyone else both
answer an empty connection, so that a User met in a leaderboard stays queryable in one piece.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

import strawberry
from strawberry.types import Info

from domain import models as m
from domain import policies
from domain.keyset import Window
from domain.learning import history
from graph import ids
from graph.content.types import Course
from graph.context import Context
from graph.ids import encode
from graph.learning.types import Submission, SubmissionStatus
from graph.pagination import (
    Connection,
    decode_position,
    empty_connection,
    encode_position,
    page_request,
    requested,
)

SUBMISSION_CURSOR = "s"
XP_CURSOR = "x"


@strawberry.type(description="XP given to the user: how much, why, when and in which course.")
class XpEvent:
    id: strawberry.ID
    amount: int
    reason: str = strawberry.field(
        description="Why: `answer` (a first correct answer to a problem, weighted by difficulty) or "
        "`review` (a card reviewed, once per card and local day)."
    )
    at: datetime
    course_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, event: m.XpEvent) -> XpEvent:
        return cls(
            id=encode("XpEvent", event.id),
            amount=event.amount,
            reason=event.reason,
            at=event.created_at,
            course_id=event.course_id,
        )

    @strawberry.field(description="The course the XP was earned in; null when it belongs to none.")
    async def course(self, info: Info[Context, Any]) -> Course | None:
        if self.course_id is None:
            return None
        course = await info.context.loaders.course_by_id.load(self.course_id)
        return Course.from_model(course) if course is not None else None


async def submissions(
    info: Info[Context, Any],
    user_id: int,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    course_id: strawberry.ID | None,
    lesson_id: strawberry.ID | None,
    status: SubmissionStatus | None,
    since: datetime | None,
    until: datetime | None,
) -> Connection[Submission]:
    context = info.context
    request = page_request(first, after, last, before, context.settings.max_page_size)
    start = decode_position(request.cursor, kind=SUBMISSION_CURSOR, field="before" if request.backward else "after")
    where = history.SubmissionFilter(
        user_id=user_id,
        course_id=ids.decode(course_id, "Course", ["courseId"]) if course_id is not None else None,
        lesson_id=ids.decode(lesson_id, "Lesson", ["lessonId"]) if lesson_id is not None else None,
        status=m.SubmissionStatus(status.value) if status is not None else None,
        since=since,
        until=until,
    )
    if not policies.can_view_learning_history(context.viewer_id, user_id):
        return empty_connection()
    window = Window(request.size, start, request.backward)
    rows = await context.run(history.submissions_page, where, window)
    return requested(
        rows,
        request,
        lambda row: encode_position(row.created_at, row.id, kind=SUBMISSION_CURSOR),
        Submission.from_model,
        partial(context.run, history.count_submissions, where),
    )


async def xp_events(
    info: Info[Context, Any], user_id: int, first: int | None, after: str | None
) -> Connection[XpEvent]:
    context = info.context
    request = page_request(first, after, None, None, context.settings.max_page_size)
    start = decode_position(request.cursor, kind=XP_CURSOR)
    if not policies.can_view_learning_history(context.viewer_id, user_id):
        return empty_connection()
    rows = await context.run(history.xp_events_page, user_id, Window(request.size, start))
    return requested(
        rows,
        request,
        lambda row: encode_position(row.created_at, row.id, kind=XP_CURSOR),
        XpEvent.from_model,
        partial(context.run, history.count_xp_events, user_id),
    )
