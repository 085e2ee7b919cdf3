"""User.learningEvents: a learner's record as a keyset connection, newest first.

The learner sees all of it; the staff of a class the learner belongs to see the events about the
class's courses (domain/record/history.py); anyone else gets an empty connection, so that a User met
elsewhere stays queryable in one piece.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

import strawberry
from strawberry.types import Info

from domain.keyset import Window
from domain.record import history
from domain.record.kinds import LearningEventType as Kind
from graph import ids
from graph.context import Context
from graph.pagination import Connection, decode_position, empty_connection, encode_position, page_request, requested
from graph.record.types import LearningEvent, LearningEventType

EVENT_CURSOR = "e"


async def learning_events(
    info: Info[Context, Any],
    user_id: int,
    *,
    first: int | None,
    after: str | None,
    types: list[LearningEventType] | None,
    course_id: strawberry.ID | None,
    since: datetime | None,
    until: datetime | None,
) -> Connection[LearningEvent]:
    context = info.context
    request = page_request(first, after, None, None, context.settings.max_page_size)
    start = decode_position(request.cursor, kind=EVENT_CURSOR)
    course = ids.decode(course_id, "Course", ["courseId"]) if course_id is not None else None
    viewer = await context.viewer()
    courses = await context.run(history.visible_courses, viewer, user_id)
    if courses is not None and not courses:
        return empty_connection()
    where = history.EventFilter(
        user_id=user_id,
        types=frozenset(Kind(t.value) for t in types or ()),
        course_id=course,
        since=since,
        until=until,
        courses=courses,
    )
    rows = await context.run(history.events_page, where, Window(request.size, start))
    return requested(
        rows,
        request,
        lambda row: encode_position(row.occurred_at, row.id, kind=EVENT_CURSOR),
        LearningEvent.from_model,
        partial(context.run, history.count_events, where),
    )
