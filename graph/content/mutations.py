"""ContentMutation: instructors author courses, lessons, problems and topics, and import problems."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

import strawberry
from strawberry.types import Info

from domain import models as m
from domain.content import courses as authoring
from domain.content import importing, topics
from domain.content import problems as problem_authoring
from domain.errors import DomainError, Invalid
from graph import ids
from graph.content.inputs import (
    CourseCreateInput,
    CourseUpdateInput,
    ImportProblemsInput,
    LessonCreateInput,
    LessonUpdateInput,
    OptionInput,
    ProblemCreateInput,
    ProblemUpdateInput,
    PublishLessonInput,
    TopicCreateInput,
    TopicUpdateInput,
    given,
)
from graph.content.types import Course, Lesson, Problem, Topic
from graph.context import Context
from graph.error_codes import UserErrorCode
from graph.errors import UserError

T = TypeVar("T")


@strawberry.type
class CoursePayload:
    course: Course | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LessonPayload:
    lesson: Lesson | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ProblemPayload:
    problem: Problem | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TopicPayload:
    topic: Topic | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ImportProblemsPayload:
    KEEPS_GOOD_ITEMS: ClassVar[bool] = True  # errors are per item: the good items are stored (graph/transactions.py)

    created: list[Problem] = strawberry.field(default_factory=list)
    updated: list[Problem] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Per item, with field paths like [items, 3, answer]; good items are kept.",
    )


async def _author(
    info: Info[Context, Any],
    build: Callable[[], Any],
    call: Callable[..., Awaitable[T]],
) -> tuple[T | None, list[UserError]]:
    """Parse and run the domain service as the viewer; expected failures come back as UserErrors."""
    context = info.context
    viewer = await context.require_viewer()
    try:
        result = await context.run(call, viewer, *build())
    except DomainError as error:
        return None, UserError.from_domain(error)
    return result, []


def _options(
    options: list[OptionInput] | None,
) -> tuple[problem_authoring.OptionDraft, ...] | None:
    return None if options is None else tuple(problem_authoring.OptionDraft(o.text, o.correct) for o in options)


def _strings(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def _topic_ids(values: list[strawberry.ID] | None) -> tuple[int, ...] | None:
    return None if values is None else ids.decode_many(values, "Topic", ["topicIds"])


@strawberry.type
class ContentMutation:
    @strawberry.mutation
    async def create_course(self, info: Info[Context, Any], input: CourseCreateInput) -> CoursePayload:
        now = info.context.now()
        course, errors = await _author(
            info,
            lambda: (
                authoring.CourseDraft(input.slug, input.title, input.description),
                now,
            ),
            authoring.create_course,
        )
        return CoursePayload(course=Course.from_model(course) if course else None, errors=errors)

    @strawberry.mutation
    async def update_course(self, info: Info[Context, Any], input: CourseUpdateInput) -> CoursePayload:
        course, errors = await _author(
            info,
            lambda: (
                ids.decode(input.id, "Course", ["id"]),
                authoring.CoursePatch(title=given(input.title), description=given(input.description)),
            ),
            authoring.update_course,
        )
        return CoursePayload(course=Course.from_model(course) if course else None, errors=errors)

    @strawberry.mutation
    async def create_lesson(self, info: Info[Context, Any], input: LessonCreateInput) -> LessonPayload:
        now = info.context.now()
        lesson, errors = await _author(
            info,
            lambda: (
                authoring.LessonDraft(
                    ids.decode(input.course_id, "Course", ["courseId"]),
                    input.title,
                    input.body,
                    input.position,
                ),
                now,
            ),
            authoring.create_lesson,
        )
        return LessonPayload(lesson=Lesson.from_model(lesson) if lesson else None, errors=errors)

    @strawberry.mutation
    async def update_lesson(self, info: Info[Context, Any], input: LessonUpdateInput) -> LessonPayload:
        lesson, errors = await _author(
            info,
            lambda: (
                ids.decode(input.id, "Lesson", ["id"]),
                authoring.LessonPatch(
                    title=given(input.title),
                    body=given(input.body),
                    position=given(input.position),
                ),
            ),
            authoring.update_lesson,
        )
        return LessonPayload(lesson=Lesson.from_model(lesson) if lesson else None, errors=errors)

    @strawberry.mutation(description="Publish (or unpublish) a lesson so that learners see it.")
    async def publish_lesson(self, info: Info[Context, Any], input: PublishLessonInput) -> LessonPayload:
        lesson, errors = await _author(
            info,
            lambda: (ids.decode(input.id, "Lesson", ["id"]), input.published),
            authoring.publish_lesson,
        )
        return LessonPayload(lesson=Lesson.from_model(lesson) if lesson else None, errors=errors)

    @strawberry.mutation
    async def create_problem(self, info: Info[Context, Any], input: ProblemCreateInput) -> ProblemPayload:
        now = info.context.now()

        def build() -> tuple[Any, ...]:
            draft = problem_authoring.ProblemDraft(
                lesson_id=ids.decode(input.lesson_id, "Lesson", ["lessonId"]),
                kind=m.ProblemKind(input.kind.value),
                prompt=input.prompt,
                explanation=input.explanation,
                difficulty=input.difficulty,
                options=_options(input.options) or (),
                numeric_answer=input.numeric_answer,
                tolerance=input.tolerance,
                accepted_answers=tuple(input.accepted_answers),
                reference_answer=input.reference_answer,
                rubric=tuple(input.rubric),
                tags=tuple(input.tags),
                topic_ids=_topic_ids(input.topic_ids) or (),
                status=m.ProblemStatus(input.status.value),
                external_id=input.external_id,
            )
            return (draft, now)

        problem, errors = await _author(info, build, problem_authoring.create_problem)
        return ProblemPayload(problem=Problem.from_model(problem) if problem else None, errors=errors)

    @strawberry.mutation
    async def update_problem(self, info: Info[Context, Any], input: ProblemUpdateInput) -> ProblemPayload:
        def build() -> tuple[Any, ...]:
            status = given(input.status)
            patch = problem_authoring.ProblemPatch(
                prompt=given(input.prompt),
                explanation=given(input.explanation),
                difficulty=given(input.difficulty),
                options=_options(given(input.options)),
                numeric_answer=given(input.numeric_answer),
                tolerance=given(input.tolerance),
                reference_answer=given(input.reference_answer),
                topic_ids=_topic_ids(given(input.topic_ids)),
                status=m.ProblemStatus(status.value) if status is not None else None,
                accepted_answers=_strings(given(input.accepted_answers)),
                rubric=_strings(given(input.rubric)),
                tags=_strings(given(input.tags)),
            )
            return (ids.decode(input.id, "Problem", ["id"]), patch)

        problem, errors = await _author(info, build, problem_authoring.update_problem)
        return ProblemPayload(problem=Problem.from_model(problem) if problem else None, errors=errors)

    @strawberry.mutation
    async def create_topic(self, info: Info[Context, Any], input: TopicCreateInput) -> TopicPayload:
        def build() -> tuple[Any, ...]:
            parent = ids.decode(input.parent_id, "Topic", ["parentId"]) if input.parent_id is not None else None
            return (topics.TopicDraft(input.name, parent),)

        topic, errors = await _author(info, build, topics.create_topic)
        return TopicPayload(topic=Topic.from_model(topic) if topic else None, errors=errors)

    @strawberry.mutation
    async def update_topic(self, info: Info[Context, Any], input: TopicUpdateInput) -> TopicPayload:
        def build() -> tuple[Any, ...]:
            parent = given(input.parent_id)
            return (
                ids.decode(input.id, "Topic", ["id"]),
                given(input.name),
                ids.decode(parent, "Topic", ["parentId"]) if parent is not None else None,
            )

        topic, errors = await _author(info, build, topics.update_topic)
        return TopicPayload(topic=Topic.from_model(topic) if topic else None, errors=errors)

    @strawberry.mutation(description="Bulk-import problems (idempotent by external id); bad items are reported.")
    async def import_problems(self, info: Info[Context, Any], input: ImportProblemsInput) -> ImportProblemsPayload:
        now = info.context.now()
        viewer = await info.context.require_viewer()
        await info.context.limiter.acquire("import_problems_per_user", str(viewer.id), "problem imports")

        def build() -> tuple[Any, ...]:
            if not isinstance(input.items, list):
                raise Invalid("`items` must be a JSON list of problems.", field=["items"])
            return (
                ids.decode(input.lesson_id, "Lesson", ["lessonId"]),
                input.items,
                now,
            )

        report, errors = await _author(info, build, importing.import_problems)
        if report is None:
            return ImportProblemsPayload(errors=errors)
        return ImportProblemsPayload(
            created=[Problem.from_model(p) for p in report.created],
            updated=[Problem.from_model(p) for p in report.updated],
            errors=[UserError(field=e.field, code=UserErrorCode.of(e.code), message=e.message) for e in report.errors],
        )
