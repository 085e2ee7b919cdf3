"""Every statistic of the SQL analytics equals a straightforward Python computation, to 1e-9, on a
generated class of 200 students x 20 problems (several attempts each), on SQLite and PostgreSQL."""

from __future__ import annotations

import math
import random
import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.analytics_dataset import Dataset, generate, insert_rows
from domain.analytics import class_stats, rules, student
from domain.classes import grades
from domain.models import User

TOLERANCE = 1e-9
SUBJECTS = ("Essay", "Midterm")


def close(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return math.isclose(actual, expected, rel_tol=0, abs_tol=TOLERANCE)


def pct(score: float, max_score: float) -> float:
    return 100.0 * score / max_score


def days_before(moment: datetime, now: datetime) -> float:
    return (int(moment.timestamp()) - int(now.timestamp())) / 86400.0


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default, PostgreSQL's percentile_cont)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None


def trend(points: list[tuple[datetime, float]], now: datetime) -> rules.Trend:
    """Least-squares slope (points per week) and last-30-days change, the textbook way."""
    if not points:
        return rules.Trend(0, None, None, None)
    xs = [days_before(moment, now) for moment, _ in points]
    ys = [value for _, value in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = 7 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx > 0 else None
    cutoff = now - timedelta(days=rules.RECENT_DAYS)
    recent = [value for moment, value in points if moment > cutoff]
    earlier = [value for moment, value in points if moment <= cutoff]
    change = statistics.fmean(recent) - statistics.fmean(earlier) if recent and earlier else None
    return rules.Trend(len(points), statistics.fmean(ys), slope, change)


def external_rows(data: Dataset, seed: int = 11) -> list[grades.GradeRow]:
    rng = random.Random(seed)
    rows = []
    for user_id in data.member_ids:
        for subject in SUBJECTS:
            max_score = rng.choice((10.0, 20.0, 35.0))
            day = (data.now - timedelta(days=rng.randint(1, 110))).date()
            score = round(rng.uniform(0, max_score), 2)
            rows.append(grades.GradeRow(user_id, subject, score, max_score, f"{subject}-{user_id}", day))
    return rows


def midnight(day: date | None) -> datetime:
    assert day is not None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class Reference:
    """The class analytics computed from the generated rows in plain Python."""

    def __init__(self, data: Dataset, external: list[grades.GradeRow]) -> None:
        self.data, self.now = data, data.now
        course_of = {row["id"]: row["course_id"] for row in data.rows("lessons")}
        members = set(data.member_ids)
        self.scoped: list[dict[str, Any]] = [
            {"user": g["user_id"], "lesson": g["lesson_id"], "subject": None,
             "pct": pct(g["score"], g["max_score"]), "at": g["graded_at"]}
            for g in data.rows("grades")
            if g["user_id"] in members and course_of[g["lesson_id"]] == data.course_id
        ]  # fmt: skip
        self.scoped += [
            {"user": r.student_id, "lesson": None, "subject": r.subject,
             "pct": pct(r.score, r.max_score), "at": midnight(r.graded_on)}
            for r in external
        ]  # fmt: skip
        by_student: dict[int, list[float]] = defaultdict(list)
        for grade in self.scoped:
            by_student[grade["user"]].append(grade["pct"])
        self.student_means = [statistics.fmean(values) for values in by_student.values()]

    def histogram(self) -> list[int]:
        counts = [0] * rules.HISTOGRAM_BUCKETS
        for value in self.student_means:
            counts[rules.histogram_bucket(value)] += 1
        return counts

    def lessons(self) -> dict[int, tuple[float, int, int, float]]:
        by_lesson: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for grade in self.scoped:
            if grade["lesson"] is not None:
                by_lesson[grade["lesson"]].append(grade)
        members = set(self.data.member_ids)
        completed: dict[int, int] = defaultdict(int)
        for row in self.data.rows("lesson_progress"):
            if row["completed"] and row["user_id"] in members:
                completed[row["lesson_id"]] += 1
        return {
            lesson: (
                statistics.fmean(g["pct"] for g in rows),
                len(rows),
                len({g["user"] for g in rows}),
                completed[lesson] / len(members),
            )
            for lesson, rows in by_lesson.items()
        }

    def trends(self) -> dict[int, rules.Trend]:
        points: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
        for grade in self.scoped:
            points[grade["user"]].append((grade["at"], grade["pct"]))
        return {user: trend(values, self.now) for user, values in points.items()}

    def first_attempts(self) -> list[dict[str, Any]]:
        course_of = {row["id"]: row["course_id"] for row in self.data.rows("lessons")}
        members = set(self.data.member_ids)
        firsts: dict[tuple[int, int], dict[str, Any]] = {}
        for row in self.data.rows("submissions"):
            if row["status"] != "GRADED" or row["user_id"] not in members:
                continue
            if course_of[row["lesson_id"]] != self.data.course_id:
                continue
            key = (row["user_id"], row["lesson_id"])
            if key not in firsts or (row["created_at"], row["id"]) < (firsts[key]["created_at"], firsts[key]["id"]):
                firsts[key] = row
        return list(firsts.values())

    def items(self) -> tuple[dict[int, tuple[int, float, float, float | None]], dict[int, float | None]]:
        firsts = {row["id"]: row for row in self.first_attempts()}
        xs: dict[int, list[float]] = defaultdict(list)
        rests: dict[int, list[float]] = defaultdict(list)
        lesson_of: dict[int, int] = {}
        for answer in self.data.rows("answers"):
            attempt = firsts.get(answer["submission_id"])
            if attempt is None:
                continue
            xs[answer["problem_id"]].append(answer["score"])
            rests[answer["problem_id"]].append(attempt["score"] - answer["score"])
            lesson_of[answer["problem_id"]] = attempt["lesson_id"]
        items = {
            problem: (len(values), statistics.fmean(values), statistics.stdev(values), pearson(values, rests[problem]))
            for problem, values in xs.items()
        }
        alphas: dict[int, float | None] = {}
        for lesson in {row["lesson_id"] for row in firsts.values()}:
            problems = [p for p, owner in lesson_of.items() if owner == lesson]
            totals = [row["score"] for row in firsts.values() if row["lesson_id"] == lesson]
            k = len(problems)
            item_variance = sum(statistics.variance(xs[p]) for p in problems)
            alphas[lesson] = k / (k - 1) * (1 - item_variance / statistics.variance(totals))
        return items, alphas


@pytest.fixture
async def generated(session: AsyncSession, now: datetime) -> tuple[Dataset, list[grades.GradeRow]]:
    data = generate(students=200, problems=20, lessons=2, max_attempts=3, now=now)
    await insert_rows(session, data)
    instructor = (await session.execute(select(User).where(User.id == data.instructor_id))).scalar_one()  # type: ignore[arg-type]
    external = external_rows(data)
    report = await grades.record_grades(session, instructor, data.class_id, external, now)
    assert report.errors == []
    assert report.recorded == len(external)
    await session.commit()
    return data, external


async def test_class_distribution_matches_python(
    session: AsyncSession, generated: tuple[Dataset, list[grades.GradeRow]]
) -> None:
    data, external = generated
    reference = Reference(data, external)
    means = reference.student_means
    edges = [rules.HISTOGRAM_WIDTH * i for i in range(1, rules.HISTOGRAM_BUCKETS)]
    assert all(abs(value - edge) > 1e-6 for value in means for edge in edges), "a mean sits on a bucket edge"

    result = await class_stats.compute(session, data.class_id, data.now)

    assert result.student_count == 200
    assert result.graded_student_count == len(means)
    assert close(result.mean, statistics.fmean(means))
    assert close(result.standard_deviation, statistics.stdev(means))
    expected = {class_stats.quantile_name(q): quantile(means, q) for q in rules.QUANTILES}
    assert result.percentiles.keys() == expected.keys()
    assert all(close(result.percentiles[name], value) for name, value in expected.items()), (
        result.percentiles,
        expected,
    )
    assert close(result.median, statistics.median(means))
    assert [bucket.count for bucket in result.histogram] == reference.histogram()
    assert [(b.lower, b.upper) for b in result.histogram][:2] == [(0.0, 10.0), (10.0, 20.0)]


async def test_lessons_subjects_and_at_risk_students_match_python(
    session: AsyncSession, generated: tuple[Dataset, list[grades.GradeRow]]
) -> None:
    data, external = generated
    reference = Reference(data, external)

    result = await class_stats.compute(session, data.class_id, data.now)

    expected_lessons = reference.lessons()
    assert [row.lesson_id for row in result.lessons] == [1, 2]  # the class's course only, in order
    for row in result.lessons:
        mean, count, students, completion = expected_lessons[row.lesson_id]
        assert close(row.mean, mean)
        assert (row.grades, row.students) == (count, students)
        assert close(row.completion_rate, completion)
    for subject in result.subjects:
        values = [pct(r.score, r.max_score) for r in external if r.subject == subject.subject]
        assert close(subject.mean, statistics.fmean(values))
        assert subject.grades == len(values)
    assert [s.subject for s in result.subjects] == list(SUBJECTS)
    trends = reference.trends()
    at_risk = {user: t for user, t in trends.items() if rules.at_risk_reasons(t)}
    assert at_risk, "the generated class should have students at risk"
    ordered = sorted(
        at_risk, key=lambda user: rules.risk_order(rules.at_risk_reasons(at_risk[user]), at_risk[user].mean, user)
    )
    assert result.at_risk_count == len(at_risk)
    assert [risk.user_id for risk in result.at_risk] == ordered[: rules.AT_RISK_LISTED]
    for risk in result.at_risk:
        expected = at_risk[risk.user_id]
        assert risk.count == expected.count
        assert close(risk.mean, expected.mean)
        assert close(risk.slope_per_week, expected.slope_per_week)
        assert close(risk.change_30_days, expected.change_30_days)
        assert risk.reasons == rules.at_risk_reasons(expected)


async def test_item_analysis_matches_python(
    session: AsyncSession, generated: tuple[Dataset, list[grades.GradeRow]]
) -> None:
    data, external = generated
    expected_items, expected_alphas = Reference(data, external).items()

    result = await class_stats.compute(session, data.class_id, data.now)

    assert len(result.items) == 20
    assert {item.problem_id for item in result.items} == set(expected_items)
    for item in result.items:
        attempts, facility, deviation, discrimination = expected_items[item.problem_id]
        assert item.attempts == attempts
        assert close(item.facility_index, facility)
        assert close(item.standard_deviation, deviation)
        assert close(item.discrimination_index, discrimination)
    reliability = {row.lesson_id: row.reliability for row in result.lessons}
    for lesson, alpha in expected_alphas.items():
        assert reliability[lesson] is not None
        assert close(reliability[lesson].cronbach_alpha, alpha)  # type: ignore[union-attr]
        assert reliability[lesson].items == 10  # type: ignore[union-attr]


async def test_student_analytics_match_python(
    session: AsyncSession, generated: tuple[Dataset, list[grades.GradeRow]]
) -> None:
    data, external = generated
    problem_topic = {row["problem_id"]: row["topic_id"] for row in data.rows("problem_topics")}
    for user_id in data.member_ids[:5]:
        own = [g for g in data.rows("grades") if g["user_id"] == user_id]
        theirs = [r for r in external if r.student_id == user_id]
        points = [(g["graded_at"], pct(g["score"], g["max_score"])) for g in own]
        points += [(midnight(r.graded_on), pct(r.score, r.max_score)) for r in theirs]
        expected = trend(points, data.now)

        result = await student.compute(session, user_id, data.now)

        assert result.count == expected.count
        assert close(result.mean, expected.mean)
        assert close(result.slope_per_week, expected.slope_per_week)
        assert close(result.change_30_days, expected.change_30_days)
        assert result.at_risk_reasons == rules.at_risk_reasons(expected)
        for lesson in result.lessons:
            values = [pct(g["score"], g["max_score"]) for g in own if g["lesson_id"] == lesson.lesson_id]
            assert close(lesson.mean, statistics.fmean(values))
            assert close(lesson.best, max(values))
            assert lesson.count == len(values)
        assert {lesson.lesson_id for lesson in result.lessons} == {g["lesson_id"] for g in own}
        answers = [a for a in data.rows("answers") if a["user_id"] == user_id and a["status"] == "GRADED"]
        for topic in result.topics:
            mine = [a for a in answers if problem_topic[a["problem_id"]] == topic.topic_id]
            latest: dict[int, dict[str, Any]] = {}
            for answer in mine:
                if answer["problem_id"] not in latest or answer["id"] > latest[answer["problem_id"]]["id"]:
                    latest[answer["problem_id"]] = answer
            assert close(topic.mean, statistics.fmean(100.0 * a["score"] for a in mine))
            assert topic.answers == len(mine)
            assert topic.problems == len(latest)
            assert close(topic.mastery, statistics.fmean(a["score"] for a in latest.values()))
            assert topic.level == rules.mastery_level(topic.mastery)
