"""Inputs of the content mutations; UNSET means "not sent" in the update inputs."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from graph.content.types import ProblemKind, ProblemStatus

T = TypeVar("T")


def given(value: T | None | Any) -> T | None:
    """None for UNSET (not sent) so that the domain's patches leave the field unchanged."""
    return None if value is strawberry.UNSET else value


@strawberry.input
class CourseCreateInput:
    slug: str
    title: str
    description: str = ""


@strawberry.input
class CourseUpdateInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET


@strawberry.input
class LessonCreateInput:
    course_id: strawberry.ID
    title: str
    body: str = ""
    position: int | None = strawberry.field(default=None, description="Defaults to after the last lesson.")


@strawberry.input
class LessonUpdateInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    body: str | None = strawberry.UNSET
    position: int | None = strawberry.UNSET


@strawberry.input
class PublishLessonInput:
    id: strawberry.ID
    published: bool = True


@strawberry.input
class OptionInput:
    text: str
    correct: bool = False


@strawberry.input
class ProblemCreateInput:
    lesson_id: strawberry.ID
    kind: ProblemKind
    prompt: str
    explanation: str = ""
    difficulty: int = 1
    options: list[OptionInput] = strawberry.field(default_factory=list)
    numeric_answer: float | None = None
    tolerance: float = 0.0
    accepted_answers: list[str] = strawberry.field(default_factory=list)
    reference_answer: str | None = None
    rubric: list[str] = strawberry.field(default_factory=list)
    tags: list[str] = strawberry.field(default_factory=list)
    topic_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    status: ProblemStatus = ProblemStatus.PUBLISHED
    external_id: str | None = None


@strawberry.input
class ProblemUpdateInput:
    id: strawberry.ID
    prompt: str | None = strawberry.UNSET
    explanation: str | None = strawberry.UNSET
    difficulty: int | None = strawberry.UNSET
    options: list[OptionInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces all options when sent."
    )
    numeric_answer: float | None = strawberry.UNSET
    tolerance: float | None = strawberry.UNSET
    accepted_answers: list[str] | None = strawberry.UNSET
    reference_answer: str | None = strawberry.UNSET
    rubric: list[str] | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    topic_ids: list[strawberry.ID] | None = strawberry.UNSET
    status: ProblemStatus | None = strawberry.UNSET


@strawberry.input
class TopicCreateInput:
    name: str
    parent_id: strawberry.ID | None = None


@strawberry.input
class TopicUpdateInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input(description="Bulk import: `items` is the JSON list of the import format (see README).")
class ImportProblemsInput:
    lesson_id: strawberry.ID
    items: JSON
