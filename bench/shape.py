"""The fixed data shape of the benchmark: courses of N lessons x P problems x O options, bulk-inserted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from domain.models import Course, Lesson, LessonProgress, Option, Problem, ProblemKind


@dataclass(frozen=True)
class CourseShape:
    course_id: int
    lesson_ids: list[int]
    problem_ids: list[int]  # in lesson order
    correct_option: dict[int, int]  # problem id -> its correct option id


async def bulk_course(
    connection: AsyncConnection,
    slug: str,
    now: datetime,
    *,
    lessons: int,
    problems: int = 20,
    options: int = 4,
    progress_for: int | None = None,
) -> CourseShape:
    """A published course of single-choice problems (option 0 correct), with the viewer's progress."""
    course_id = (
        await connection.execute(
            insert(Course)
            .values(slug=slug, title=f"Course {slug}", description="", created_at=now)
            .returning(col(Course.id))
        )
    ).scalar_one()
    lesson_rows = [
        {
            "course_id": course_id,
            "title": f"Lesson {i}",
            "body": "",
            "position": i,
            "published": True,
            "created_at": now,
        }
        for i in range(lessons)
    ]
    await connection.execute(insert(Lesson), lesson_rows)
    lesson_ids = list(
        (
            await connection.execute(
                select(col(Lesson.id)).where(col(Lesson.course_id) == course_id).order_by(col(Lesson.position))
            )
        ).scalars()
    )
    problem_rows: list[dict[str, Any]] = [
        {
            "lesson_id": lesson_id,
            "kind": ProblemKind.SINGLE_CHOICE.value,
            "status": "PUBLISHED",
            "prompt": f"Question {p} of lesson {lesson_id}: which option is right?",
            "explanation": "Because.",
            "difficulty": 1 + p % 5,
            "position": p,
            "tolerance": 0.0,
            "accepted_answers": [],
            "rubric": [],
            "tags": [],
            "created_at": now,
        }
        for lesson_id in lesson_ids
        for p in range(problems)
    ]
    await connection.execute(insert(Problem), problem_rows)
    problem_ids = list(
        (
            await connection.execute(
                select(col(Problem.id))
                .where(col(Problem.lesson_id).in_(lesson_ids))
                .order_by(col(Problem.lesson_id), col(Problem.position))
            )
        ).scalars()
    )
    option_rows = [
        {"problem_id": pid, "text": f"Option {o}", "correct": o == 0, "position": o}
        for pid in problem_ids
        for o in range(options)
    ]
    await connection.execute(insert(Option), option_rows)
    correct = dict(
        (
            await connection.execute(
                select(col(Option.problem_id), col(Option.id)).where(
                    col(Option.problem_id).in_(problem_ids), col(Option.correct).is_(True)
                )
            )
        ).all()
    )
    if progress_for is not None:
        rows = [
            {
                "user_id": progress_for,
                "lesson_id": lid,
                "best_score": 0.5,
                "attempts": 1,
                "completed": False,
                "last_submitted_at": now,
            }
            for lid in lesson_ids[::2]
        ]
        if rows:
            await connection.execute(insert(LessonProgress), rows)
    # Ids read back from the database are never None; the model types them `int | None` for new rows.
    return CourseShape(
        cast(int, course_id), cast(list[int], lesson_ids), cast(list[int], problem_ids), cast(dict[int, int], correct)
    )


LESSON_PAGE = """
query LessonPage($id: ID!) {
  course(id: $id) {
    title
    lessons(first: 100) {
      edges { node {
        id title position
        viewerProgress { bestScore attempts completed }
        problems { id kind prompt difficulty options { id text } }
      } }
    }
  }
}"""
