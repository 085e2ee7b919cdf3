"""Builders for test data, written straight to the database (the services are tested on their own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from domain import auth
from domain.models import Course, Lesson, Option, Problem, ProblemKind, Role, User
from domain.settings import Settings

_serial = count(1)


async def make_user(
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    *,
    role: Role = Role.LEARNER,
    timezone: str = "UTC",
    email: str | None = None,
) -> User:
    number = next(_serial)
    registration = auth.Registration(email or f"user{number}@example.org", "password-123", f"User {number}", timezone)
    user = await auth.create_user(session, settings, registration, role=role, now=now)
    await session.flush()
    return user


@dataclass
class CourseFixture:
    course: Course
    lessons: list[Lesson] = field(default_factory=list)
    problems: dict[int, list[Problem]] = field(default_factory=dict)  # lesson id -> problems
    options: dict[int, list[Option]] = field(default_factory=dict)  # problem id -> options


async def make_course(
    session: AsyncSession,
    now: datetime,
    *,
    owner: User | None = None,
    lessons: int = 1,
    kinds: tuple[ProblemKind, ...] = (
        ProblemKind.SINGLE_CHOICE,
        ProblemKind.MULTIPLE_CHOICE,
        ProblemKind.NUMERIC,
        ProblemKind.SHORT_TEXT,
        ProblemKind.FREE_TEXT,
    ),
    options_per_problem: int = 4,
    published: bool = True,
) -> CourseFixture:
    """A course whose lessons each hold one problem of every kind in `kinds` (difficulty 2)."""
    number = next(_serial)
    course = Course(
        slug=f"course-{number}",
        title=f"Course {number}",
        owner_id=owner.id if owner else None,
        created_at=now,
    )
    session.add(course)
    await session.flush()
    built = CourseFixture(course)
    for position in range(lessons):
        lesson = Lesson(
            course_id=course.id,
            title=f"Lesson {position + 1}",
            position=position,
            published=published,
            created_at=now,
        )  # type: ignore[arg-type]
        session.add(lesson)
        await session.flush()
        built.lessons.append(lesson)
        problems = [_problem(lesson, kind, index, now) for index, kind in enumerate(kinds)]
        session.add_all(problems)
        await session.flush()
        built.problems[lesson.id] = problems  # type: ignore[index]
        for problem in problems:
            if problem.kind in {
                ProblemKind.SINGLE_CHOICE.value,
                ProblemKind.MULTIPLE_CHOICE.value,
            }:
                correct = {0} if problem.kind == ProblemKind.SINGLE_CHOICE.value else {0, 1}
                options = [
                    Option(
                        problem_id=problem.id,
                        text=f"option {i}",
                        correct=i in correct,
                        position=i,
                    )  # type: ignore[arg-type]
                    for i in range(options_per_problem)
                ]
                session.add_all(options)
                built.options[problem.id] = options  # type: ignore[index]
    await session.flush()
    return built


def _problem(lesson: Lesson, kind: ProblemKind, position: int, now: datetime) -> Problem:
    problem = Problem(
        lesson_id=lesson.id,  # type: ignore[arg-type]
        kind=kind.value,
        prompt=f"{kind.value} question",
        explanation=f"why {kind.value}",
        difficulty=2,
        position=position,
        created_at=now,
    )
    if kind == ProblemKind.NUMERIC:
        problem.numeric_answer, problem.tolerance = 42.0, 0.5
    if kind == ProblemKind.SHORT_TEXT:
        problem.accepted_answers = ["DataLoader", "data loader"]
    if kind == ProblemKind.FREE_TEXT:
        problem.reference_answer = "Batching collects keys and loads them in one query."
        problem.rubric = ["batch", "query"]
    return problem
