"""Submissions, answers and lesson progress; visible to their owner only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from domain import models as m
from domain import policies
from graph.content.types import Lesson, Problem
from graph.context import Context
from graph.ids import encode
from graph.nodes import EncodedNode, load_nodes


@strawberry.enum
class SubmissionStatus(Enum):
    PENDING = "PENDING"
    GRADED = "GRADED"


@strawberry.type(description="The viewer's progress in one lesson.")
class LessonProgress:
    best_score: float = strawberry.field(description="Best share of points reached in one attempt, 0..1.")
    attempts: int
    completed: bool
    last_submitted_at: datetime

    @classmethod
    def from_model(cls, progress: m.LessonProgress) -> LessonProgress:
        return cls(
            best_score=progress.best_score,
            attempts=progress.attempts,
            completed=progress.completed,
            last_submitted_at=progress.last_submitted_at,
        )


@strawberry.type(description="The answer to one problem within a submission.")
class Answer:
    id: strawberry.ID
    status: SubmissionStatus
    correct: bool | None
    score: float | None
    feedback: str | None
    option_ids: list[strawberry.ID]
    number: float | None
    text: str | None
    duration_ms: int | None = strawberry.field(description="Milliseconds spent, as the client reported it.")
    confidence: int | None = strawberry.field(description="The learner's confidence 1-5, as the client reported it.")
    problem_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, answer: m.Answer) -> Answer:
        return cls(
            id=encode("Answer", answer.id),
            status=SubmissionStatus(answer.status),
            correct=answer.correct,
            score=answer.score,
            feedback=answer.feedback,
            option_ids=[encode("Option", key) for key in answer.option_ids],
            number=answer.number,
            text=answer.text,
            duration_ms=answer.duration_ms,
            confidence=answer.confidence,
            problem_id=answer.problem_id,
        )

    @strawberry.field
    async def problem(self, info: Info[Context, Any]) -> Problem:
        problem = await info.context.loaders.problem_by_id.load(self.problem_id)
        assert problem is not None
        return Problem.from_model(problem)


@strawberry.type(description="One attempt at a lesson or a single problem.")
class Submission(EncodedNode):
    id: relay.NodeID[int]
    status: SubmissionStatus
    score: float | None = strawberry.field(description="Points reached; null while answers are pending.")
    max_score: float
    xp_awarded: int
    idempotency_key: str
    created_at: datetime
    graded_at: datetime | None
    model: strawberry.Private[m.Submission]

    @classmethod
    def from_model(cls, submission: m.Submission) -> Submission:
        assert submission.id is not None
        return cls(
            id=submission.id,
            status=SubmissionStatus(submission.status),
            score=submission.score,
            max_score=submission.max_score,
            xp_awarded=submission.xp_awarded,
            idempotency_key=submission.idempotency_key,
            created_at=submission.created_at,
            graded_at=submission.graded_at,
            model=submission,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Submission | None]:
        viewer_id = info.context.viewer_id
        return await load_nodes(
            info.context.loaders.submission_by_id,
            node_ids,
            cls.from_model,
            lambda row: policies.can_view_submission(viewer_id, row),
        )

    @strawberry.field
    async def answers(self, info: Info[Context, Any]) -> list[Answer]:
        return [Answer.from_model(a) for a in await info.context.loaders.answers_by_submission.load(self.id)]

    @strawberry.field
    async def lesson(self, info: Info[Context, Any]) -> Lesson | None:
        if self.model.lesson_id is None:
            return None
        lesson = await info.context.loaders.lesson_by_id.load(self.model.lesson_id)
        return Lesson.from_model(lesson) if lesson is not None else None
