"""Sessions and time spent, derived from a learner's activity in the learning record (docs/record/time.md).

The rule, in plain functions: a learner's acts (ACTIVITY in domain/record/kinds.py) in time order; a
pause longer than the session gap starts a new session. Each act is given the time since the previous
act of its session, capped (a learner who walked away mid-session is not counted for the whole
pause); the first act of a session is given nothing, since nothing says when the learner started.
That time counts for the act's lesson, and for the topics of its problem (an act about a whole
lesson: the topics of all of the lesson's problems, each the full time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.models import Problem, ProblemTopic
from domain.record.history import events_of
from domain.record.kinds import ACTIVITY


@dataclass(frozen=True)
class Activity:
    at: datetime
    lesson_id: int | None = None
    problem_id: int | None = None


@dataclass
class Session:
    started_at: datetime
    ended_at: datetime
    activities: int = 1
    seconds: float = 0.0  # the capped time given to its acts


@dataclass
class TimeReport:
    sessions: list[Session] = field(default_factory=list)  # newest first
    lesson_seconds: dict[int, float] = field(default_factory=dict)
    topic_seconds: dict[int, float] = field(default_factory=dict)


def attribute(activities: Sequence[Activity], gap: timedelta, cap: timedelta) -> tuple[list[Session], list[float]]:
    """The sessions of `activities` (in time order) and the seconds given to each activity."""
    sessions: list[Session] = []
    seconds: list[float] = []
    previous: Activity | None = None
    for activity in activities:
        if previous is None or activity.at - previous.at > gap:
            sessions.append(Session(activity.at, activity.at))
            seconds.append(0.0)
        else:
            given = min(activity.at - previous.at, cap).total_seconds()
            current = sessions[-1]
            current.ended_at, current.activities, current.seconds = (
                activity.at,
                current.activities + 1,
                current.seconds + given,
            )
            seconds.append(given)
        previous = activity
    return sessions, seconds


async def _topics(
    session: AsyncSession, activities: Sequence[Activity]
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """The topics of each problem, and of each lesson (the topics of its problems), the activities name."""
    problem_ids = {a.problem_id for a in activities if a.problem_id is not None}
    lesson_ids = {a.lesson_id for a in activities if a.problem_id is None and a.lesson_id is not None}
    by_problem: dict[int, set[int]] = defaultdict(set)
    by_lesson: dict[int, set[int]] = defaultdict(set)
    if problem_ids:
        query = select(col(ProblemTopic.problem_id), col(ProblemTopic.topic_id)).where(
            col(ProblemTopic.problem_id).in_(problem_ids)
        )
        for problem_id, topic_id in await session.execute(query):
            by_problem[problem_id].add(topic_id)
    if lesson_ids:
        query = (
            select(col(Problem.lesson_id), col(ProblemTopic.topic_id))
            .join(Problem, col(Problem.id) == col(ProblemTopic.problem_id))
            .where(col(Problem.lesson_id).in_(lesson_ids))
        )
        for lesson_id, topic_id in await session.execute(query):
            by_lesson[lesson_id].add(topic_id)
    return by_problem, by_lesson


async def time_report(
    session: AsyncSession, user_id: int, gap: timedelta, cap: timedelta, courses: frozenset[int] | None = None
) -> TimeReport:
    """A learner's sessions and time per lesson and topic. With `courses` (what a class's staff may see)
    the sessions come from all of the learner's acts, as for the learner, and then only the acts about
    those courses are counted and shown: a course's time is the same whoever looks."""
    events = await events_of(session, user_id, sorted(ACTIVITY))
    activities = [Activity(e.occurred_at, e.lesson_id, e.problem_id) for e in events]
    all_sessions, seconds = attribute(activities, gap, cap)
    visible = [courses is None or e.course_id in courses for e in events]
    sessions = all_sessions if courses is None else _visible_sessions(activities, seconds, visible, gap)
    shown = [(a, given) for a, given, seen in zip(activities, seconds, visible, strict=True) if seen]
    by_problem, by_lesson = await _topics(session, [a for a, _ in shown])
    lessons: dict[int, float] = defaultdict(float)
    topics: dict[int, float] = defaultdict(float)
    for activity, given in shown:
        if activity.lesson_id is not None:
            lessons[activity.lesson_id] += given
        if activity.problem_id is not None:
            linked = by_problem.get(activity.problem_id, set())
        else:
            linked = by_lesson.get(activity.lesson_id, set()) if activity.lesson_id is not None else set()
        for topic_id in linked:
            topics[topic_id] += given
    return TimeReport(sessions=sessions[::-1], lesson_seconds=dict(lessons), topic_seconds=dict(topics))


def _visible_sessions(
    activities: Sequence[Activity], seconds: Sequence[float], visible: Sequence[bool], gap: timedelta
) -> list[Session]:
    """The sessions of all acts, narrowed to the visible acts (sessions without one are left out)."""
    sessions: list[Session] = []
    previous: Activity | None = None
    current: Session | None = None
    for activity, given, seen in zip(activities, seconds, visible, strict=True):
        starts = previous is None or activity.at - previous.at > gap
        previous = activity
        if starts:
            current = None
        if not seen:
            continue
        if current is None:
            current = Session(activity.at, activity.at, activities=0)
            sessions.append(current)
        current.ended_at, current.activities, current.seconds = (
            activity.at,
            current.activities + 1,
            current.seconds + given,
        )
    return sessions
