"""The User type with its XP, streak and profile."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from domain import models as m
from domain import policies
from domain.learning.rules import Streak as StreakRule
from domain.learning.rules import current_streak, local_day
from graph.context import Context
from graph.learning import history
from graph.learning.history import XpEvent
from graph.learning.types import Submission, SubmissionStatus
from graph.nodes import EncodedNode, load_nodes
from graph.pagination import BeforeCursor, Connection, Cursor
from graph.record import resolvers as record
from graph.record.types import LearningEvent, LearningEventType

if TYPE_CHECKING:
    from graph.tutor.types import TutorThread


@strawberry.enum
class Role(Enum):
    LEARNER = "LEARNER"
    INSTRUCTOR = "INSTRUCTOR"
    ADMIN = "ADMIN"


@strawberry.type(description="Consecutive local days with activity, in the user's time zone.")
class Streak:
    current: int = strawberry.field(description="0 once a whole local day has passed without activity.")
    best: int
    last_active_on: date | None


def streak_of(user: m.User, now: datetime) -> Streak:
    rule = StreakRule(user.streak_current, user.streak_best, user.streak_last_day)
    today = local_day(now, user.timezone)
    return Streak(current=current_streak(rule, today), best=user.streak_best, last_active_on=user.streak_last_day)


@strawberry.type
class Profile:
    total_xp: int
    current_streak: int
    best_streak: int
    lessons_completed: int
    answers_graded: int
    answers_correct: int
    accuracy: float | None = strawberry.field(description="Share of graded answers that were correct, 0..1.")


@strawberry.type(description="A learner, instructor or admin.")
class User(EncodedNode):
    id: relay.NodeID[int]
    display_name: str
    role: Role
    timezone: str
    xp: int
    model: strawberry.Private[m.User]

    @classmethod
    def from_model(cls, user: m.User) -> User:
        assert user.id is not None
        return cls(
            id=user.id,
            display_name=user.display_name,
            role=Role(user.role),
            timezone=user.timezone,
            xp=user.xp,
            model=user,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[User | None]:
        return await load_nodes(info.context.loaders.user_by_id, node_ids, cls.from_model)

    @strawberry.field(description="The user's AI tutor threads, most recently active first (only your own).")
    async def tutor_threads(
        self, info: Info[Context, Any], first: int | None = None, after: Cursor = None
    ) -> Connection[Annotated[TutorThread, strawberry.lazy("graph.tutor.types")]]:
        from graph.tutor.resolvers import user_tutor_threads

        return await user_tutor_threads(info, self.id, first, after)

    @strawberry.field(description="Only visible to the user themselves.")
    def email(self, info: Info[Context, Any]) -> str | None:
        return self.model.email if policies.can_see_email(info.context.viewer_id, self.model) else None

    @strawberry.field
    def streak(self, info: Info[Context, Any]) -> Streak:
        user = self.model
        rule = StreakRule(user.streak_current, user.streak_best, user.streak_last_day)
        today = local_day(info.context.now(), user.timezone)
        return Streak(
            current=current_streak(rule, today),
            best=user.streak_best,
            last_active_on=user.streak_last_day,
        )

    @strawberry.field
    async def profile(self, info: Info[Context, Any]) -> Profile:
        stats = await info.context.loaders.stats_by_user.load(self.id)
        streak = streak_of(self.model, info.context.now())
        return Profile(
            total_xp=self.model.xp,
            current_streak=streak.current,
            best_streak=streak.best,
            lessons_completed=stats.lessons_completed,
            answers_graded=stats.answers_graded,
            answers_correct=stats.answers_correct,
            accuracy=stats.accuracy,
        )

    @strawberry.field(
        description="The user's submissions, newest first; only your own: on any other user the list is "
        "empty (totalCount 0). Filters combine: `courseId`, `lessonId` (both also match answers to single "
        "problems of the lesson or course), `status`, and `since` (inclusive) / `until` (exclusive) on "
        "`createdAt`. Page forward with `first`/`after` (older) or backward with `last`/`before` (newer); "
        "cursors stay valid while new submissions arrive."
    )
    async def submissions(
        self,
        info: Info[Context, Any],
        first: int | None = None,
        after: Cursor = None,
        last: int | None = None,
        before: BeforeCursor = None,
        course_id: strawberry.ID | None = None,
        lesson_id: strawberry.ID | None = None,
        status: SubmissionStatus | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Connection[Submission]:
        return await history.submissions(
            info,
            self.id,
            first=first,
            after=after,
            last=last,
            before=before,
            course_id=course_id,
            lesson_id=lesson_id,
            status=status,
            since=since,
            until=until,
        )

    @strawberry.field(
        description="The XP the user was given, newest first; only your own: on any other user the list is "
        "empty (totalCount 0)."
    )
    async def xp_events(
        self, info: Info[Context, Any], first: int | None = None, after: Cursor = None
    ) -> Connection[XpEvent]:
        return await history.xp_events(info, self.id, first, after)

    @strawberry.field(
        description="What the user did, newest first: answers, reviews, XP, streaks, completed lessons, tutor "
        "messages, games (see LearningEventType). The user sees all of it; the instructor of a class the user "
        "belongs to (and admins) see the events about that class's courses; anyone else an empty list. Filters "
        "combine: `types` (any of), `courseId`, and `since` (inclusive) / `until` (exclusive) on `occurredAt`."
    )
    async def learning_events(
        self,
        info: Info[Context, Any],
        first: int | None = None,
        after: Cursor = None,
        types: list[LearningEventType] | None = None,
        course_id: strawberry.ID | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Connection[LearningEvent]:
        return await record.learning_events(
            info, self.id, first=first, after=after, types=types, course_id=course_id, since=since, until=until
        )
