"""Inputs of the content mutations; UNSET means "not sent" in the update inputs."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from domain.content import courses
from graph.content.types import ProblemKind, ProblemStatus
from graph.input_limits import text
from graph.input_limits import text as limited  # OptionInput has a field named `text`

T = TypeVar("T")


def given(value: T | None | Any) -> T | None:
    """None for UNSET (not sent) so that the domain's patches leave the field unchanged."""
    return None if value is strawberry.UNSET else value


@strawberry.input
class CourseCreateInput:
    slug: str = text(courses.MAX_SLUG, "a-z, 0-9 and -.")
    title: str = text(courses.MAX_TITLE)
    description: str = text(courses.MAX_DESCRIPTION, default="")


@strawberry.input
class CourseUpdateInput:
    id: strawberry.ID
    title: str | None = text(courses.MAX_TITLE, default=strawberry.UNSET)
    description: str | None = text(courses.MAX_DESCRIPTION, default=strawberry.UNSET)


@strawberry.input
class LessonCreateInput:
    course_id: strawberry.ID
    title: str = text(courses.MAX_TITLE)
    body: str = text(courses.MAX_BODY, default="")
    position: int | None = strawberry.field(default=None, description="Defaults to after the last lesson.")


@strawberry.input
class LessonUpdateInput:
    id: strawberry.ID
    title: str | None = text(courses.MAX_TITLE, default=strawberry.UNSET)
    body: str | None = text(courses.MAX_BODY, default=strawberry.UNSET)
    position: int | None = strawberry.UNSET


@strawberry.input
class PublishLessonInput:
    id: strawberry.ID
    published: bool = True


@strawberry.input
class OptionInput:
    text: str = limited(courses.MAX_TEXT)
    correct: bool = False


@strawberry.input
class ProblemCreateInput:
    lesson_id: strawberry.ID
    kind: ProblemKind
    prompt: str = text(courses.MAX_PROMPT)
    explanation: str = text(courses.MAX_TEXT, default="")
    difficulty: int = 1
    options: list[OptionInput] = strawberry.field(default_factory=list)
    numeric_answer: float | None = None
    tolerance: float = 0.0
    accepted_answers: list[str] = text(courses.MAX_TEXT, each=True, default_factory=list)
    reference_answer: str | None = text(courses.MAX_TEXT, default=None)
    rubric: list[str] = text(courses.MAX_TEXT, each=True, default_factory=list)
    tags: list[str] = text(courses.MAX_TAG, each=True, default_factory=list)
    topic_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    status: ProblemStatus = ProblemStatus.PUBLISHED
    external_id: str | None = text(courses.MAX_EXTERNAL_ID, default=None)


@strawberry.input
class ProblemUpdateInput:
    id: strawberry.ID
    prompt: str | None = text(courses.MAX_PROMPT, default=strawberry.UNSET)
    explanation: str | None = text(courses.MAX_TEXT, default=strawberry.UNSET)
    difficulty: int | None = strawberry.UNSET
    options: list[OptionInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces all options when sent."
    )
    numeric_answer: float | None = strawberry.UNSET
    tolerance: float | None = strawberry.UNSET
    accepted_answers: list[str] | None = text(courses.MAX_TEXT, each=True, default=strawberry.UNSET)
    reference_answer: str | None = text(courses.MAX_TEXT, default=strawberry.UNSET)
    rubric: list[str] | None = text(courses.MAX_TEXT, each=True, default=strawberry.UNSET)
    tags: list[str] | None = text(courses.MAX_TAG, each=True, default=strawberry.UNSET)
    topic_ids: list[strawberry.ID] | None = strawberry.UNSET
    status: ProblemStatus | None = strawberry.UNSET


@strawberry.input
class TopicCreateInput:
    name: str = text(courses.MAX_NAME)
    parent_id: strawberry.ID | None = None


@strawberry.input
class TopicUpdateInput:
    id: strawberry.ID
    name: str | None = text(courses.MAX_NAME, default=strawberry.UNSET)
    parent_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input(description="Bulk import: `items` is the JSON list of the import format (see README).")
class ImportProblemsInput:
    lesson_id: strawberry.ID
    items: JSON
