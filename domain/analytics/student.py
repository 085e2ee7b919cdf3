"""Student analytics: every grade of one student (submissions and external grades of any class).

- mean: the mean percentage of the grades (each grade weighs the same); count: how many;
- trend: least-squares slope of percentage over time (points per week) and the last-30-days change
  (rules.py); at-risk reasons from both;
- per lesson: mean, count and best percentage of its grades; per subject (external grades) the same;
- per topic (from answers to the topic's problems): mean percentage over every graded answer, and
  mastery = mean score (0..1) of the latest answer to each problem, with a level and best/worst lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics.rules import ITEM_MAX_SCORE, Ranked, Trend, best_and_worst, mastery_level
from domain.analytics.sql import ANSWERS, GRADES, PROBLEM_TOPICS, percent, student_grades, table, trends
from domain.models import SubmissionStatus, Topic

TOPICS = table(Topic)


@dataclass(frozen=True)
class LessonAverage:
    lesson_id: int
    mean: float
    count: int
    best: float


@dataclass(frozen=True)
class SubjectAverage:
    subject: str
    mean: float
    count: int


@dataclass(frozen=True)
class TopicAverage:
    topic_id: int
    path: str
    mean: float  # percentage over every graded answer
    answers: int
    problems: int  # problems answered
    mastery: float  # 0..1, latest answer per problem
    level: str


@dataclass(frozen=True)
class StudentAnalytics:
    user_id: int
    count: int
    mean: float | None
    slope_per_week: float | None
    change_30_days: float | None
    at_risk_reasons: list[str]
    lessons: list[LessonAverage]
    subjects: list[SubjectAverage]
    topics: list[TopicAverage]
    best_topic_ids: list[int]
    worst_topic_ids: list[int]
    computed_at: datetime


async def lesson_averages(session: AsyncSession, user_id: int) -> list[LessonAverage]:
    query = (
        select(GRADES.c.lesson_id, func.avg(percent(GRADES)), func.count(), func.max(percent(GRADES)))
        .where(GRADES.c.user_id == user_id, GRADES.c.lesson_id.is_not(None))
        .group_by(GRADES.c.lesson_id)
        .order_by(GRADES.c.lesson_id)
    )
    return [LessonAverage(lesson, mean, int(n), best) for lesson, mean, n, best in await session.execute(query)]


async def subject_averages(session: AsyncSession, user_id: int) -> list[SubjectAverage]:
    query = (
        select(GRADES.c.subject, func.avg(percent(GRADES)), func.count())
        .where(GRADES.c.user_id == user_id, GRADES.c.class_id.is_not(None))
        .group_by(GRADES.c.subject)
        .order_by(GRADES.c.subject)
    )
    return [SubjectAverage(subject or "", mean, int(n)) for subject, mean, n in await session.execute(query)]


async def topic_averages(session: AsyncSession, user_id: int) -> list[TopicAverage]:
    latest = (
        select(
            ANSWERS.c.problem_id,
            ANSWERS.c.score,
            func.row_number().over(partition_by=ANSWERS.c.problem_id, order_by=ANSWERS.c.id.desc()).label("rn"),
        )
        .where(
            ANSWERS.c.user_id == user_id,
            ANSWERS.c.status == SubmissionStatus.GRADED.value,
            ANSWERS.c.score.is_not(None),
        )
        .subquery("answers")
    )
    is_latest = latest.c.rn == 1
    query = (
        select(
            PROBLEM_TOPICS.c.topic_id,
            TOPICS.c.path,
            func.avg(latest.c.score),
            func.count(),
            func.count(case((is_latest, 1))),
            func.avg(case((is_latest, latest.c.score))),
        )
        .select_from(
            latest.join(PROBLEM_TOPICS, PROBLEM_TOPICS.c.problem_id == latest.c.problem_id).join(
                TOPICS, TOPICS.c.id == PROBLEM_TOPICS.c.topic_id
            )
        )
        .group_by(PROBLEM_TOPICS.c.topic_id, TOPICS.c.path)
        .order_by(TOPICS.c.path)
    )
    return [
        _topic(topic_id, path, mean, int(answers), int(problems), mastery / ITEM_MAX_SCORE)
        for topic_id, path, mean, answers, problems, mastery in await session.execute(query)
    ]


def _topic(topic_id: int, path: str, mean: float, answers: int, problems: int, mastery: float) -> TopicAverage:
    return TopicAverage(
        topic_id, path, 100.0 * mean / ITEM_MAX_SCORE, answers, problems, mastery, mastery_level(mastery)
    )


async def compute(session: AsyncSession, user_id: int, now: datetime) -> StudentAnalytics:
    """Every figure of one student's analytics (the caller has checked access)."""
    trend = (await trends(session, student_grades(user_id), now)).get(user_id, Trend(0, None, None, None))
    topics = await topic_averages(session, user_id)
    best, worst = best_and_worst([Ranked(t.topic_id, t.mastery, t.path) for t in topics])
    return StudentAnalytics(
        user_id=user_id,
        count=trend.count,
        mean=trend.mean,
        slope_per_week=trend.slope_per_week,
        change_30_days=trend.change_30_days,
        at_risk_reasons=trend.at_risk_reasons,
        lessons=await lesson_averages(session, user_id),
        subjects=await subject_averages(session, user_id),
        topics=topics,
        best_topic_ids=best,
        worst_topic_ids=worst,
        computed_at=now,
    )
