"""ContentQuery: courses, lessons, topics."""

from __future__ import annotations

from functools import partial
from typing import Any

import strawberry
from strawberry.types import Info

from domain import policies
from domain.content import catalog, counts
from graph import ids
from graph.content.types import Course, Lesson, Problem, Topic, lesson_cursor
from graph.context import Context
from graph.pagination import Connection, Cursor, connection, decode_cursor, encode_cursor, page_size


@strawberry.type
class ContentQuery:
    @strawberry.field(description="All courses, oldest first.")
    async def courses(
        self,
        info: Info[Context, Any],
        first: int | None = None,
        after: Cursor = None,
    ) -> Connection[Course]:
        size = page_size(first, info.context.settings.max_page_size)
        cursor = decode_cursor(after, 1)
        rows = await info.context.run(catalog.courses_page, size, cursor[0] if cursor else None)
        total = partial(info.context.run, counts.count_courses)
        return connection(rows, size, after, lambda c: encode_cursor(c.id or 0), Course.from_model, total=total)

    @strawberry.field(description="Lessons of one course (or of all courses), in course order.")
    async def lessons(
        self,
        info: Info[Context, Any],
        course_id: strawberry.ID | None = None,
        first: int | None = None,
        after: Cursor = None,
    ) -> Connection[Lesson]:
        size = page_size(first, info.context.settings.max_page_size)
        cursor = decode_cursor(after, 3)
        course = ids.decode(course_id, "Course", ["courseId"]) if course_id is not None else None
        drafts = policies.can_see_drafts(await info.context.viewer())
        rows = await info.context.run(catalog.lessons_page, course, size, cursor, drafts)
        total = partial(info.context.run, counts.count_lessons, course, drafts)
        return connection(rows, size, after, lesson_cursor, Lesson.from_model, total=total)

    @strawberry.field
    async def course(self, info: Info[Context, Any], id: strawberry.ID) -> Course | None:
        nodes = await Course.resolve_nodes(info=info, node_ids=[str(ids.decode(id, "Course", ["id"]))])
        return nodes[0]

    @strawberry.field
    async def lesson(self, info: Info[Context, Any], id: strawberry.ID) -> Lesson | None:
        nodes = await Lesson.resolve_nodes(info=info, node_ids=[str(ids.decode(id, "Lesson", ["id"]))])
        return nodes[0]

    @strawberry.field
    async def problem(self, info: Info[Context, Any], id: strawberry.ID) -> Problem | None:
        nodes = await Problem.resolve_nodes(info=info, node_ids=[str(ids.decode(id, "Problem", ["id"]))])
        return nodes[0]

    @strawberry.field(description="The roots of the topic tree; walk down with `children`.")
    async def topics(self, info: Info[Context, Any]) -> list[Topic]:
        # Not through the loader: DataLoaders refuse None as a key, and the roots are one query anyway.
        roots = await info.context.run(catalog.topics_by_parent, [None])
        return [Topic.from_model(t) for t in roots.get(None, [])]
