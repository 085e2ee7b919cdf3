"""LearningEvent and LearningEventType: one entry of a learner's record, its payload documented per type."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models as m
from domain import policies
from domain.record.kinds import DESCRIPTIONS
from domain.record.kinds import LearningEventType as Kind
from graph.content.types import Course
from graph.context import Context
from graph.ids import encode
from graph.nodes import EncodedNode, load_nodes


def _value(kind: Kind) -> Any:
    return strawberry.enum_value(kind.value, description=DESCRIPTIONS[kind])


@strawberry.enum(
    description="What a learner did. The payload keys of each type are listed in the guide (Learning record)."
)
class LearningEventType(Enum):
    ANSWER_SUBMITTED = _value(Kind.ANSWER_SUBMITTED)
    ANSWER_GRADED = _value(Kind.ANSWER_GRADED)
    CARD_REVIEWED = _value(Kind.CARD_REVIEWED)
    XP_AWARDED = _value(Kind.XP_AWARDED)
    STREAK_EXTENDED = _value(Kind.STREAK_EXTENDED)
    STREAK_BROKEN = _value(Kind.STREAK_BROKEN)
    LESSON_COMPLETED = _value(Kind.LESSON_COMPLETED)
    TUTOR_MESSAGE = _value(Kind.TUTOR_MESSAGE)
    GAME_PLAYED = _value(Kind.GAME_PLAYED)


@strawberry.type(
    description="One entry of a learner's record: what they did, when, where in the content and the details "
    "(`payload`, whose keys per `type` the guide lists). The record is append-only."
)
class LearningEvent(EncodedNode):
    id: relay.NodeID[int]
    type: LearningEventType
    occurred_at: datetime
    payload: JSON = strawberry.field(description="The details; its keys depend on `type` (camelCase).")
    course_key: strawberry.Private[int | None]
    lesson_key: strawberry.Private[int | None]
    problem_key: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, event: m.LearningEvent) -> LearningEvent:
        assert event.id is not None
        return cls(
            id=event.id,
            type=LearningEventType[event.type],
            occurred_at=event.occurred_at,
            payload=event.payload,  # type: ignore[arg-type]
            course_key=event.course_id,
            lesson_key=event.lesson_id,
            problem_key=event.problem_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[LearningEvent | None]:
        viewer_id = info.context.viewer_id
        return await load_nodes(
            info.context.loaders.learning_event_by_id,
            node_ids,
            cls.from_model,
            # by id only the owner's: staff read a student's events through User.learningEvents
            lambda event: policies.can_view_all_learning_events(viewer_id, event.user_id),
        )

    @strawberry.field(description="The course the event is about; null for none (streaks, some XP).")
    def course_id(self) -> strawberry.ID | None:
        return encode("Course", self.course_key) if self.course_key is not None else None

    @strawberry.field(description="The lesson the event is about, when there is one.")
    def lesson_id(self) -> strawberry.ID | None:
        return encode("Lesson", self.lesson_key) if self.lesson_key is not None else None

    @strawberry.field(description="The problem the event is about, when there is one.")
    def problem_id(self) -> strawberry.ID | None:
        return encode("Problem", self.problem_key) if self.problem_key is not None else None

    @strawberry.field(description="The course the event is about, if it still exists.")
    async def course(self, info: Info[Context, Any]) -> Course | None:
        if self.course_key is None:
            return None
        course = await info.context.loaders.course_by_id.load(self.course_key)
        return Course.from_model(course) if course is not None else None
