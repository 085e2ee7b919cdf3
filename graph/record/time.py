"""Sessions and time spent on StudentAnalytics: derived from the learning record on request (not cached).

Computed once per StudentAnalytics object however many of its fields a query asks for, over the events
the viewer may see (domain/record/history.py: a class's staff, the events of the class's courses).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import strawberry
from strawberry.types import Info

from domain.errors import Invalid
from domain.record import history
from domain.record.time import Session, TimeReport, time_report
from graph.content.types import Lesson, Topic
from graph.context import Context

DEFAULT_SESSIONS = 20


@strawberry.type(description="A stretch of activity without a pause longer than LEARNQL_SESSION_GAP_MINUTES.")
class LearningSession:
    started_at: datetime
    ended_at: datetime
    activity_count: int = strawberry.field(
        description="The learner's acts in it (answers, reviews, tutor messages, games)."
    )
    seconds: int = strawberry.field(
        description="Time spent: each act counts the time since the previous one, at most "
        "LEARNQL_ACTIVITY_TIME_CAP_SECONDS (the first act of a session counts nothing)."
    )

    @classmethod
    def from_domain(cls, session: Session) -> LearningSession:
        return cls(
            started_at=session.started_at,
            ended_at=session.ended_at,
            activity_count=session.activities,
            seconds=round(session.seconds),
        )


@strawberry.type(description="Time spent on one lesson, summed over sessions.")
class LessonTime:
    seconds: int
    lesson_id: strawberry.Private[int]

    @strawberry.field
    async def lesson(self, info: Info[Context, Any]) -> Lesson | None:
        row = await info.context.loaders.lesson_by_id.load(self.lesson_id)
        return Lesson.from_model(row) if row is not None else None


@strawberry.type(description="Time spent on problems linked to one topic (directly, not through subtopics).")
class TopicTime:
    seconds: int
    topic_id: strawberry.Private[int]

    @strawberry.field
    async def topic(self, info: Info[Context, Any]) -> Topic | None:
        row = await info.context.loaders.topic_by_id.load(self.topic_id)
        return Topic.from_model(row) if row is not None else None


@dataclass
class TimeSource:
    """The report of one learner, computed by the first field that needs it."""

    user_id: int
    task: asyncio.Future[TimeReport] | None = None

    async def report(self, info: Info[Context, Any]) -> TimeReport:
        if self.task is None:
            self.task = asyncio.ensure_future(self._compute(info.context))
        return await self.task

    async def _compute(self, context: Context) -> TimeReport:
        settings = context.settings
        viewer = await context.viewer()
        courses = await context.run(history.visible_courses, viewer, self.user_id)
        if courses is not None and not courses:
            return TimeReport()
        gap = timedelta(minutes=settings.session_gap_minutes)
        cap = timedelta(seconds=settings.activity_time_cap_seconds)
        return await context.run(time_report, self.user_id, gap, cap, courses)


async def sessions(source: TimeSource, info: Info[Context, Any], first: int | None) -> list[LearningSession]:
    maximum = info.context.settings.max_page_size
    size = DEFAULT_SESSIONS if first is None else first
    if not 0 <= size <= maximum:
        raise Invalid(f"`first` must be between 0 and {maximum}.", field=["first"])
    report = await source.report(info)
    return [LearningSession.from_domain(s) for s in report.sessions[:size]]


def _ranked(seconds: dict[int, float]) -> list[tuple[int, int]]:
    """(key, whole seconds), most time first."""
    return sorted(((key, round(value)) for key, value in seconds.items()), key=lambda kv: (-kv[1], kv[0]))


async def lesson_times(source: TimeSource, info: Info[Context, Any]) -> list[LessonTime]:
    report = await source.report(info)
    return [LessonTime(seconds=s, lesson_id=key) for key, s in _ranked(report.lesson_seconds)]


async def topic_times(source: TimeSource, info: Info[Context, Any]) -> list[TopicTime]:
    report = await source.report(info)
    return [TopicTime(seconds=s, topic_id=key) for key, s in _ranked(report.topic_seconds)]
