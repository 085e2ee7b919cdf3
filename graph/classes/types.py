"""The Class type: visible to its instructor, admins and its students; the join code and the student
list only to the instructor and admins."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from domain import models as m
from domain import policies
from domain.classes.membership import StudentPageKey
from graph.content.types import Course
from graph.context import Context
from graph.nodes import EncodedNode
from graph.pagination import Connection, Cursor, connection, decode_cursor, encode_cursor, page_size
from graph.users.types import User


@strawberry.type(description="A group of learners under an instructor; learners join with the join code.")
class Class(EncodedNode):
    id: relay.NodeID[int]
    name: str
    created_at: datetime
    model: strawberry.Private[m.Class]

    @classmethod
    def from_model(cls, class_: m.Class) -> Class:
        assert class_.id is not None
        return cls(id=class_.id, name=class_.name, created_at=class_.created_at, model=class_)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Class | None]:
        """Null for anonymous viewers and for classes the viewer neither teaches nor belongs to."""
        viewer = await info.context.viewer()
        rows = await info.context.loaders.class_by_id.load_many([int(k) for k in node_ids if k.isdigit()])
        if viewer is None:
            return [None for _ in rows]
        found = [row for row in rows if row is not None]
        joined = await info.context.loaders.viewer_in_class.load_many([row.id for row in found if row.id is not None])
        member = {row.id for row, yes in zip(found, joined, strict=True) if yes}
        return [
            cls.from_model(row)
            if row is not None and policies.can_view_class(viewer, row, is_member=row.id in member)
            else None
            for row in rows
        ]

    @strawberry.field(description="The code learners join with; null unless you teach this class.")
    async def join_code(self, info: Info[Context, Any]) -> str | None:
        return self.model.join_code if policies.can_manage_class(await info.context.viewer(), self.model) else None

    @strawberry.field
    async def instructor(self, info: Info[Context, Any]) -> User:
        user = await info.context.loaders.user_by_id.load(self.model.instructor_id)
        assert user is not None
        return User.from_model(user)

    @strawberry.field(description="The courses this class follows; grades in their lessons count for the class.")
    async def courses(self, info: Info[Context, Any]) -> list[Course]:
        course_ids = await info.context.loaders.course_ids_by_class.load(self.id)
        rows = await info.context.loaders.course_by_id.load_many(course_ids)
        return [Course.from_model(row) for row in rows if row is not None]

    @strawberry.field
    async def student_count(self, info: Info[Context, Any]) -> int:
        return await info.context.loaders.student_count_by_class.load(self.id)

    @strawberry.field(description="The students, in the order they signed up; null unless you teach this class.")
    async def students(
        self,
        info: Info[Context, Any],
        first: int | None = None,
        after: Cursor = None,
    ) -> Connection[User] | None:
        if not policies.can_manage_class(await info.context.viewer(), self.model):
            return None
        size = page_size(first, info.context.settings.max_page_size)
        cursor = decode_cursor(after, 1)
        key = StudentPageKey(self.id, size, cursor[0] if cursor else None)
        rows = await info.context.loaders.student_page_by_class.load(key)
        total = partial(info.context.loaders.student_count_by_class.load, self.id)
        return connection(rows, size, after, lambda user: encode_cursor(user.id or 0), User.from_model, total=total)
