"""Analytics types: figures come from one cached domain result; related objects through loaders."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from domain.analytics import class_stats as cs
from domain.analytics import student as st
from domain.analytics.items import ItemStats
from domain.analytics.rules import AT_RISK_LISTED
from domain.errors import Invalid
from domain.infra.cache import Cache, CacheStats
from graph.classes.types import Class
from graph.content.types import Lesson, Problem, Topic
from graph.context import Context
from graph.record import time as time_fields
from graph.record.time import LearningSession, LessonTime, TimeSource, TopicTime
from graph.users.types import User


@strawberry.enum(description="Why a student is flagged at risk (thresholds in the README).")
class AtRiskReason(Enum):
    LOW_MEAN = "LOW_MEAN"
    DECLINING = "DECLINING"


@strawberry.enum(description="Mastery of a topic: MASTERED >= 0.85, PROFICIENT >= 0.6, else LEARNING.")
class MasteryLevel(Enum):
    MASTERED = "MASTERED"
    PROFICIENT = "PROFICIENT"
    LEARNING = "LEARNING"


@strawberry.type(description="Whether this result came from the analytics cache, and how the cache is doing.")
class CacheInfo:
    hit: bool = strawberry.field(description="True when served from the cache, false when computed now.")
    computed_at: datetime = strawberry.field(description="When the figures were computed.")
    cache: strawberry.Private[Cache]
    memo: strawberry.Private[dict[str, CacheStats]]

    async def _stats(self) -> CacheStats:
        if "stats" not in self.memo:
            self.memo["stats"] = await self.cache.stats()
        return self.memo["stats"]

    @strawberry.field(description="Analytics lookups answered from the cache since it started.")
    async def hits(self) -> int:
        return (await self._stats()).hits

    @strawberry.field(description="Analytics lookups that had to compute.")
    async def misses(self) -> int:
        return (await self._stats()).misses

    @strawberry.field(description="hits / (hits + misses), 0..1; shared by all API processes on Redis.")
    async def hit_rate(self) -> float | None:
        return (await self._stats()).hit_rate


def cache_info(cache: Cache, hit: bool, computed_at: datetime) -> CacheInfo:
    return CacheInfo(hit=hit, computed_at=computed_at, cache=cache, memo={})


async def _lesson(info: Info[Context, Any], lesson_id: int) -> Lesson:
    lesson = await info.context.loaders.lesson_by_id.load(lesson_id)
    assert lesson is not None
    return Lesson.from_model(lesson)


async def _user(info: Info[Context, Any], user_id: int) -> User:
    user = await info.context.loaders.user_by_id.load(user_id)
    assert user is not None
    return User.from_model(user)


@strawberry.type(description="A student's trajectory.")
class Trend:
    slope_per_week: float | None = strawberry.field(
        description="Least-squares slope of the grade percentage over time, in points per week (null below 2 grades)."
    )
    change_30_days: float | None = strawberry.field(
        description="Mean of the last 30 days minus the mean of the grades before (null when either is empty)."
    )


@strawberry.type
class LessonAverage:
    mean: float = strawberry.field(description="Mean percentage of the lesson's grades.")
    count: int
    best: float = strawberry.field(description="Best percentage.")
    lesson_id: strawberry.Private[int]

    @strawberry.field
    async def lesson(self, info: Info[Context, Any]) -> Lesson:
        return await _lesson(info, self.lesson_id)


@strawberry.type(description="External grades of one subject or assessment name.")
class SubjectAverage:
    subject: str
    mean: float = strawberry.field(description="Mean percentage.")
    count: int


@strawberry.type
class TopicAverage:
    mean: float = strawberry.field(description="Mean percentage over every graded answer to the topic's problems.")
    answers: int
    problems: int = strawberry.field(description="Problems of the topic answered at least once.")
    mastery: float = strawberry.field(description="Mean score (0..1) of the latest answer to each of those problems.")
    level: MasteryLevel
    topic_id: strawberry.Private[int]

    @classmethod
    def from_domain(cls, topic: st.TopicAverage) -> TopicAverage:
        return cls(
            mean=topic.mean,
            answers=topic.answers,
            problems=topic.problems,
            mastery=topic.mastery,
            level=MasteryLevel(topic.level),
            topic_id=topic.topic_id,
        )

    @strawberry.field
    async def topic(self, info: Info[Context, Any]) -> Topic:
        topic = await info.context.loaders.topic_by_id.load(self.topic_id)
        assert topic is not None
        return Topic.from_model(topic)


@strawberry.type(description="One student's grades summed up; percentages are 0..100.")
class StudentAnalytics:
    count: int = strawberry.field(description="Number of grades (graded submissions and external grades).")
    mean: float | None = strawberry.field(description="Mean percentage of all grades, 0..100; null without grades.")
    trend: Trend
    at_risk: bool
    at_risk_reasons: list[AtRiskReason]
    lessons: list[LessonAverage]
    subjects: list[SubjectAverage]
    topics: list[TopicAverage] = strawberry.field(description="Per topic of the answered problems, by path.")
    best_topics: list[TopicAverage] = strawberry.field(description="Up to 3 topics of highest mastery.")
    worst_topics: list[TopicAverage] = strawberry.field(description="Up to 3 of lowest mastery, not among the best.")
    cache: CacheInfo
    user_id: strawberry.Private[int]
    time: strawberry.Private[TimeSource]

    @classmethod
    def from_domain(cls, result: st.StudentAnalytics, cache: CacheInfo) -> StudentAnalytics:
        topics = {topic.topic_id: TopicAverage.from_domain(topic) for topic in result.topics}
        return cls(
            count=result.count,
            mean=result.mean,
            trend=Trend(slope_per_week=result.slope_per_week, change_30_days=result.change_30_days),
            at_risk=bool(result.at_risk_reasons),
            at_risk_reasons=[AtRiskReason(reason) for reason in result.at_risk_reasons],
            lessons=[
                LessonAverage(mean=x.mean, count=x.count, best=x.best, lesson_id=x.lesson_id) for x in result.lessons
            ],
            subjects=[SubjectAverage(subject=x.subject, mean=x.mean, count=x.count) for x in result.subjects],
            topics=list(topics.values()),
            best_topics=[topics[key] for key in result.best_topic_ids],
            worst_topics=[topics[key] for key in result.worst_topic_ids],
            cache=cache,
            user_id=result.user_id,
            time=TimeSource(result.user_id),
        )

    @strawberry.field
    async def user(self, info: Info[Context, Any]) -> User:
        return await _user(info, self.user_id)

    @strawberry.field(
        description="The student's sessions, newest first: a pause of more than LEARNQL_SESSION_GAP_MINUTES (30) "
        "between two acts starts a new one. Staff see the sessions in their classes' courses only. Computed from "
        "the learning record on every request (not cached)."
    )
    async def sessions(self, info: Info[Context, Any], first: int | None = None) -> list[LearningSession]:
        return await time_fields.sessions(self.time, info, first)

    @strawberry.field(description="How many sessions the student had (see `sessions`).")
    async def session_count(self, info: Info[Context, Any]) -> int:
        return len((await self.time.report(info)).sessions)

    @strawberry.field(
        description="Time spent per lesson, most first: each act counts the time since the previous act of its "
        "session, at most LEARNQL_ACTIVITY_TIME_CAP_SECONDS (600)."
    )
    async def time_spent(self, info: Info[Context, Any]) -> list[LessonTime]:
        return await time_fields.lesson_times(self.time, info)

    @strawberry.field(
        description="Time spent per topic, most first: an act counts for every topic of its problem (an act on a "
        "whole lesson: of the lesson's problems), by the rule of `timeSpent`."
    )
    async def topic_time(self, info: Info[Context, Any]) -> list[TopicTime]:
        return await time_fields.topic_times(self.time, info)


@strawberry.type(description="Percentiles of the students' mean percentages (linear interpolation).")
class Percentiles:
    p10: float | None
    p25: float | None
    p50: float | None
    p75: float | None
    p90: float | None


@strawberry.type(description="Students whose mean percentage lies in [lower, upper); the last bucket includes 100.")
class HistogramBucket:
    lower: float
    upper: float
    count: int


@strawberry.type
class LessonStatistics:
    mean: float | None = strawberry.field(description="Mean percentage of the lesson's grades in this class.")
    grades: int
    students: int = strawberry.field(description="Students with at least one grade in the lesson.")
    completion_rate: float | None = strawberry.field(description="Share of the class's students who completed it.")
    cronbach_alpha: float | None = strawberry.field(
        description="Internal consistency of the lesson's problems over first attempts (null below 2 items)."
    )
    analysed_attempts: int = strawberry.field(description="First attempts the item analysis used.")
    lesson_id: strawberry.Private[int]

    @classmethod
    def from_domain(cls, row: cs.LessonStats) -> LessonStatistics:
        reliability = row.reliability
        return cls(
            mean=row.mean,
            grades=row.grades,
            students=row.students,
            completion_rate=row.completion_rate,
            cronbach_alpha=reliability.cronbach_alpha if reliability else None,
            analysed_attempts=reliability.attempts if reliability else 0,
            lesson_id=row.lesson_id,
        )

    @strawberry.field
    async def lesson(self, info: Info[Context, Any]) -> Lesson:
        return await _lesson(info, self.lesson_id)


@strawberry.type(description="Item analysis of one problem over the students' first attempts (Moodle's definitions).")
class ItemStatistics:
    attempts: int
    facility_index: float = strawberry.field(description="Mean score / maximum score, 0..1: how easy the item is.")
    discrimination_index: float | None = strawberry.field(
        description="Pearson correlation of the item's score with the rest of the test, -1..1 (Moodle shows 100x)."
    )
    standard_deviation: float | None = strawberry.field(description="Sample standard deviation of the item's score.")
    problem_id: strawberry.Private[int]
    lesson_id: strawberry.Private[int]

    @classmethod
    def from_domain(cls, item: ItemStats) -> ItemStatistics:
        return cls(
            attempts=item.attempts,
            facility_index=item.facility_index,
            discrimination_index=item.discrimination_index,
            standard_deviation=item.standard_deviation,
            problem_id=item.problem_id,
            lesson_id=item.lesson_id,
        )

    @strawberry.field
    async def problem(self, info: Info[Context, Any]) -> Problem:
        problem = await info.context.loaders.problem_by_id.load(self.problem_id)
        assert problem is not None
        return Problem.from_model(problem)

    @strawberry.field
    async def lesson(self, info: Info[Context, Any]) -> Lesson:
        return await _lesson(info, self.lesson_id)


@strawberry.type
class AtRiskStudent:
    count: int
    mean: float | None
    trend: Trend
    reasons: list[AtRiskReason]
    user_id: strawberry.Private[int]

    @strawberry.field
    async def user(self, info: Info[Context, Any]) -> User:
        return await _user(info, self.user_id)


@strawberry.type(description="A class's grades summed up; percentages are 0..100.")
class ClassAnalytics:
    """Lists are converted from the cached result only when they are asked for."""

    student_count: int
    graded_student_count: int = strawberry.field(description="Students with at least one grade that counts.")
    mean: float | None = strawberry.field(description="Mean of the students' mean percentages.")
    median: float | None
    standard_deviation: float | None = strawberry.field(description="Sample standard deviation (n - 1).")
    at_risk_count: int = strawberry.field(description="Students at risk (see AtRiskReason).")
    cache: CacheInfo
    result: strawberry.Private[cs.ClassAnalytics]

    @classmethod
    def from_domain(cls, result: cs.ClassAnalytics, cache: CacheInfo) -> ClassAnalytics:
        return cls(
            student_count=result.student_count,
            graded_student_count=result.graded_student_count,
            mean=result.mean,
            median=result.median,
            standard_deviation=result.standard_deviation,
            at_risk_count=result.at_risk_count,
            cache=cache,
            result=result,
        )

    @strawberry.field
    def percentiles(self) -> Percentiles:
        p = self.result.percentiles
        return Percentiles(p10=p.get("p10"), p25=p.get("p25"), p50=p.get("p50"), p75=p.get("p75"), p90=p.get("p90"))

    @strawberry.field(description="Ten buckets of width 10.")
    def histogram(self) -> list[HistogramBucket]:
        return [HistogramBucket(lower=b.lower, upper=b.upper, count=b.count) for b in self.result.histogram]

    @strawberry.field
    def lessons(self) -> list[LessonStatistics]:
        return [LessonStatistics.from_domain(row) for row in self.result.lessons]

    @strawberry.field(description="External grades recorded for the class.")
    def subjects(self) -> list[SubjectAverage]:
        return [SubjectAverage(subject=x.subject, mean=x.mean, count=x.grades) for x in self.result.subjects]

    @strawberry.field(
        description=f"The most at-risk students first (more reasons, then lower mean); at most {AT_RISK_LISTED}."
    )
    def at_risk_students(self, first: int = 20) -> list[AtRiskStudent]:
        if not 0 <= first <= AT_RISK_LISTED:
            raise Invalid(f"`first` must be between 0 and {AT_RISK_LISTED}.", field=["first"])
        return [
            AtRiskStudent(
                count=r.count,
                mean=r.mean,
                trend=Trend(slope_per_week=r.slope_per_week, change_30_days=r.change_30_days),
                reasons=[AtRiskReason(reason) for reason in r.reasons],
                user_id=r.user_id,
            )
            for r in self.result.at_risk[:first]
        ]

    @strawberry.field
    def items(self) -> list[ItemStatistics]:
        return [ItemStatistics.from_domain(item) for item in self.result.items]

    @strawberry.field(name="class")
    async def class_(self, info: Info[Context, Any]) -> Class:
        row = await info.context.loaders.class_by_id.load(self.result.class_id)
        assert row is not None
        return Class.from_model(row)
