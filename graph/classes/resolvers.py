"""ClassQuery / ClassMutation: createClass, joinClass, recordGrades and the viewer's classes."""

from __future__ import annotations

from typing import Any, ClassVar

import strawberry
from strawberry.types import Info

from domain.classes import grades, membership
from domain.errors import DomainError, Unauthenticated
from graph.classes.inputs import ClassCreateInput, JoinClassInput, RecordGradesInput
from graph.classes.types import Class
from graph.context import Context
from graph.errors import UserError


@strawberry.type
class ClassPayload:
    class_: Class | None = strawberry.field(default=None, name="class")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecordGradesPayload:
    KEEPS_GOOD_ITEMS: ClassVar[bool] = True  # errors are per row: the good rows are stored (graph/transactions.py)

    recorded: int = strawberry.field(default=0, description="Rows stored: new grades plus updated ones.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Per row, with paths like [rows, 12, score]; the other rows are stored.",
    )


@strawberry.type
class ClassQuery:
    @strawberry.field(description="Classes you teach, then classes you joined.")
    async def classes(self, info: Info[Context, Any]) -> list[Class]:
        viewer_id = info.context.viewer_id
        if viewer_id is None:
            raise Unauthenticated("Log in to see your classes.")
        return [Class.from_model(row) for row in await info.context.run(membership.viewer_classes, viewer_id)]


@strawberry.type
class ClassMutation:
    @strawberry.mutation(description="Create a class (instructors and admins); it gets a fresh join code.")
    async def create_class(self, info: Info[Context, Any], input: ClassCreateInput) -> ClassPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            created = await context.run(membership.create_class, viewer, input.to_domain(), context.now())
        except DomainError as error:
            return ClassPayload(errors=UserError.from_domain(error))
        return ClassPayload(class_=Class.from_model(created))

    @strawberry.mutation(description="Join a class with its join code; joining again changes nothing.")
    async def join_class(self, info: Info[Context, Any], input: JoinClassInput) -> ClassPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            joined = await context.run(membership.join_class, viewer, input.join_code, context.now())
        except DomainError as error:
            return ClassPayload(errors=UserError.from_domain(error))
        return ClassPayload(class_=Class.from_model(joined))

    @strawberry.mutation(
        description="Record external grades for a class you teach, idempotent by externalId: up to 5000 rows "
        "in one transaction; bad rows come back in errors and the others are stored."
    )
    async def record_grades(self, info: Info[Context, Any], input: RecordGradesInput) -> RecordGradesPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            class_id, rows = input.to_domain()
            report = await context.run(grades.record_grades, viewer, class_id, rows, context.now())
        except DomainError as error:
            return RecordGradesPayload(errors=UserError.from_domain(error))
        return RecordGradesPayload(
            recorded=report.recorded,
            errors=[item for error in report.errors for item in UserError.from_domain(error)],
        )
