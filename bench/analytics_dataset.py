"""A generated class with a learning history, written in bulk: the analytics test checks its statistics
against plain Python, the benchmark measures classAnalytics on a big one.

Rows carry explicit ids so that the Python reference can join them; on PostgreSQL the id sequences
are moved past them afterwards. Everything is deterministic for a seed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from domain.models import (
    Answer,
    Class,
    ClassCourse,
    ClassMember,
    Course,
    Grade,
    Lesson,
    LessonProgress,
    Problem,
    ProblemTopic,
    Submission,
    Topic,
    User,
)

Row = dict[str, Any]
PARTIAL = (0.0, 1 / 3, 0.5, 2 / 3, 1.0)  # multiple-choice partial credit


@dataclass
class Dataset:
    now: datetime
    instructor_id: int
    class_id: int
    course_id: int  # the class's course
    other_course_id: int  # a course the class is not tied to
    member_ids: list[int]
    outsider_ids: list[int]
    tables: dict[str, list[Row]] = field(default_factory=dict)

    def rows(self, name: str) -> list[Row]:
        return self.tables.setdefault(name, [])


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def generate(
    *,
    students: int,
    problems: int,
    lessons: int,
    max_attempts: int,
    now: datetime,
    seed: int = 7,
    outsiders: int = 5,
    days: int = 120,
    pending_share: float = 0.02,
) -> Dataset:
    """`students` class members answering `problems` problems spread over `lessons` lessons of the
    class's course, 1..max_attempts attempts per lesson over the last `days` days; plus `outsiders`
    who are not in the class, and one lesson of another course that members also take."""
    rng = random.Random(seed)
    instructor_id, first_student = 1, 2
    member_ids = list(range(first_student, first_student + students))
    outsider_ids = list(range(member_ids[-1] + 1, member_ids[-1] + 1 + outsiders))
    data = Dataset(now, instructor_id, 1, 1, 2, member_ids, outsider_ids)
    created = now - timedelta(days=days + 10)
    data.rows("users").append(_user(instructor_id, "INSTRUCTOR", created))
    data.rows("users").extend(_user(user_id, "LEARNER", created) for user_id in member_ids + outsider_ids)
    data.rows("courses").extend(
        {"id": key, "slug": f"bench-{key}", "title": f"Course {key}", "description": "", "created_at": created}
        for key in (1, 2)
    )
    data.rows("classes").append(
        {"id": 1, "name": "Bench class", "instructor_id": 1, "join_code": "BENCH234", "created_at": created}
    )
    data.rows("class_courses").append({"class_id": 1, "course_id": 1})
    data.rows("class_members").extend({"class_id": 1, "user_id": u, "joined_at": created} for u in member_ids)
    data.rows("topics").extend(
        {"id": t, "parent_id": None, "path": f"bench__topic_{t}", "name": f"Topic {t}"} for t in range(1, 6)
    )
    # lessons 1..lessons belong to the class's course; the last one to the other course
    lesson_problems: dict[int, list[int]] = {}
    problem_id = 0
    for lesson in range(1, lessons + 2):
        course = 1 if lesson <= lessons else 2
        data.rows("lessons").append(
            {"id": lesson, "course_id": course, "title": f"Lesson {lesson}", "body": "", "position": lesson,
             "published": True, "created_at": created}
        )  # fmt: skip
        count = problems // lessons + (1 if lesson <= problems % lessons else 0) if course == 1 else 4
        for position in range(count):
            problem_id += 1
            kind = "MULTIPLE_CHOICE" if problem_id % 3 == 0 else "SINGLE_CHOICE"
            data.rows("problems").append(
                {"id": problem_id, "lesson_id": lesson, "kind": kind, "prompt": f"Q{problem_id}",
                 "difficulty": 1 + problem_id % 5, "position": position, "created_at": created}
            )  # fmt: skip
            data.rows("problem_topics").append({"problem_id": problem_id, "topic_id": 1 + problem_id % 5})
            lesson_problems.setdefault(lesson, []).append(problem_id)
    kinds = {row["id"]: row["kind"] for row in data.rows("problems")}
    difficulty = {p: rng.uniform(-0.25, 0.25) for p in kinds}
    ids = {"submission": 0, "answer": 0, "grade": 0}
    for user_id in member_ids + outsider_ids:
        ability = rng.uniform(0.15, 0.95)
        drift = rng.choice((0.0, 0.0, 0.0, -0.3, 0.2))  # some decline, some improve over time
        for lesson, problem_ids in lesson_problems.items():
            if lesson > lessons and (user_id in outsider_ids or rng.random() < 0.5):
                continue
            for _attempt in range(rng.randint(1, max_attempts)):
                ago = rng.randint(0, days * 86400)
                moment = now - timedelta(seconds=ago)
                level = ability + drift * (1 - ago / (days * 86400))
                _attempt_rows(data, rng, ids, user_id, lesson, problem_ids, kinds, difficulty, level, moment,
                              pending=rng.random() < pending_share)  # fmt: skip
    _progress(data, now)
    return data


def _user(user_id: int, role: str, created: datetime) -> Row:
    return {
        "id": user_id,
        "email": f"bench{user_id}@example.org",
        "display_name": f"Student {user_id}",
        "password_hash": "not-a-hash",
        "role": role,
        "timezone": "UTC",
        "created_at": created,
    }


def _attempt_rows(
    data: Dataset,
    rng: random.Random,
    ids: dict[str, int],
    user_id: int,
    lesson: int,
    problem_ids: Sequence[int],
    kinds: dict[int, str],
    difficulty: dict[int, float],
    level: float,
    moment: datetime,
    *,
    pending: bool,
) -> None:
    ids["submission"] += 1
    submission_id = ids["submission"]
    scores = []
    for problem in problem_ids:
        chance = min(0.98, max(0.02, level - difficulty[problem]))
        if kinds[problem] == "MULTIPLE_CHOICE":
            score = rng.choice(PARTIAL) if rng.random() > chance else 1.0
        else:
            score = 1.0 if rng.random() < chance else 0.0
        scores.append(score)
        ids["answer"] += 1
        data.rows("answers").append(
            {"id": ids["answer"], "submission_id": submission_id, "user_id": user_id, "problem_id": problem,
             "option_ids": [], "status": "PENDING" if pending else "GRADED",
             "correct": None if pending else score == 1.0, "score": None if pending else score}
        )  # fmt: skip
    total = None if pending else sum(scores)
    data.rows("submissions").append(
        {"id": submission_id, "user_id": user_id, "lesson_id": lesson, "idempotency_key": f"k{submission_id}",
         "request_hash": "0" * 64, "status": "PENDING" if pending else "GRADED", "score": total,
         "max_score": float(len(problem_ids)), "xp_awarded": 0, "created_at": moment,
         "graded_at": None if pending else moment}
    )  # fmt: skip
    if total is not None:
        ids["grade"] += 1
        data.rows("grades").append(
            {"id": ids["grade"], "user_id": user_id, "lesson_id": lesson, "submission_id": submission_id,
             "score": total, "max_score": float(len(problem_ids)), "graded_at": moment, "updated_at": moment}
        )  # fmt: skip


def _progress(data: Dataset, now: datetime) -> None:
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for row in data.rows("submissions"):
        key = (row["user_id"], row["lesson_id"])
        ratio = (row["score"] or 0.0) / row["max_score"]
        previous, attempts = best.get(key, (0.0, 0))
        best[key] = (max(previous, ratio), attempts + 1)
    data.rows("lesson_progress").extend(
        {"user_id": user, "lesson_id": lesson, "best_score": ratio, "attempts": attempts,
         "completed": ratio >= 0.7, "last_submitted_at": now}
        for (user, lesson), (ratio, attempts) in sorted(best.items())
    )  # fmt: skip


MODELS: tuple[type[SQLModel], ...] = (
    User,
    Course,
    Class,
    ClassCourse,
    ClassMember,
    Topic,
    Lesson,
    Problem,
    ProblemTopic,
    Submission,
    Answer,
    Grade,
    LessonProgress,
)


def _with_defaults(table: Table, rows: Iterable[Row]) -> list[Row]:
    """Fill columns the generator does not know about (added by later features) with their defaults."""
    defaults: Row = {}
    for column in table.columns:
        default: Any = column.default
        if default is not None and default.is_scalar:
            defaults[column.name] = default.arg
        elif default is not None and default.is_callable:
            defaults[column.name] = default.arg(None)  # SQLAlchemy wraps zero-argument callables
    return [defaults | row for row in rows]


async def insert_rows(session: AsyncSession, data: Dataset, *, chunk: int = 1000, copy: bool = False) -> None:
    """Multi-row INSERTs (or COPY on PostgreSQL with `copy=True`), then sequences past the ids."""
    postgres = session.get_bind().dialect.name == "postgresql"
    for model in MODELS:
        table = _table(model)
        rows = _with_defaults(table, data.rows(table.name))
        if not rows:
            continue
        if copy and postgres:
            await _copy(session, table, rows)
            continue
        for start in range(0, len(rows), chunk):
            await session.execute(insert(table), rows[start : start + chunk])
    if postgres:
        for model in MODELS:
            table = _table(model)
            if "id" in table.columns and data.rows(table.name):
                sequence = func.pg_get_serial_sequence(table.name, "id")
                await session.execute(select(func.setval(sequence, select(func.max(table.c.id)).scalar_subquery())))


async def _copy(session: AsyncSession, table: Table, rows: list[Row]) -> None:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    columns = [column.name for column in table.columns if column.name in rows[0]]
    json_columns = {column.name for column in table.columns if column.type.__class__.__name__ == "JSON"}

    def value(row: Row, name: str) -> Any:
        item = row.get(name)
        return json.dumps(item) if name in json_columns and item is not None else item

    records = [tuple(value(row, name) for name in columns) for row in rows]
    await driver.copy_records_to_table(table.name, records=records, columns=columns)  # type: ignore[union-attr]
