"""Demo seeding: the bundled content imports cleanly, once, with two demo accounts."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.accounts import auth
from domain.content import demo
from domain.infra.limiter import Limiter
from domain.models import Course, Lesson, Problem, ProblemKind, User
from domain.settings import Settings


async def test_seed_creates_demo_courses_lessons_problems_and_accounts(
    session: AsyncSession, settings: Settings, limiter: Limiter, now: datetime
) -> None:
    assert await demo.seed_demo(session, settings, now) is True

    courses = (await session.execute(select(Course))).scalars().all()
    lessons = (await session.execute(select(Lesson))).scalars().all()
    kinds = select(col(Problem.kind), func.count()).group_by(col(Problem.kind))
    per_kind = dict((await session.execute(kinds)).all())
    users = (await session.execute(select(User).order_by(col(User.email)))).scalars()
    accounts = [(u.email, u.role, u.display_name, u.timezone) for u in users]
    assert len(courses) >= 2
    assert len(lessons) >= 6
    assert all(lesson.published for lesson in lessons)
    assert set(per_kind) == {kind.value for kind in ProblemKind}
    assert sum(per_kind.values()) >= 40
    assert accounts == [
        ("instructor@demo.learnql.dev", "INSTRUCTOR", "Ada Instructor", "UTC"),
        ("learner@demo.learnql.dev", "LEARNER", "Lin Learner", "Europe/Berlin"),
    ]
    instructor = await auth.login(
        session, settings, limiter, "instructor@demo.learnql.dev", demo.DEMO_PASSWORD, "127.0.0.1"
    )
    assert {course.owner_id for course in courses} == {instructor.id}


async def test_lessons_keep_the_order_of_the_content_file(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    await demo.seed_demo(session, settings, now)
    content = demo.load_content()
    query = (
        select(col(Course.slug), col(Lesson.title))
        .join(Lesson, col(Lesson.course_id) == col(Course.id))
        .order_by(col(Course.id), col(Lesson.position))
    )
    stored = [tuple(row) for row in await session.execute(query)]
    assert stored == [(course["slug"], lesson["title"]) for course in content for lesson in course["lessons"]]


async def test_a_second_seed_does_nothing(session: AsyncSession, settings: Settings, now: datetime) -> None:
    await demo.seed_demo(session, settings, now)
    await session.commit()
    before = (await session.execute(select(func.count()).select_from(Problem))).scalar()

    assert await demo.seed_demo(session, settings, now) is False
    after = (await session.execute(select(func.count()).select_from(Problem))).scalar()
    users = (await session.execute(select(func.count()).select_from(User))).scalar()
    assert (after, users) == (before, 2)


async def test_broken_demo_content_raises(
    session: AsyncSession, settings: Settings, now: datetime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = {
        "courses": [
            {
                "slug": "broken",
                "title": "Broken",
                "lessons": [{"title": "One", "problems": [{"id": "b-1", "type": "mcq", "question": "?", "answer": 1}]}],
            }
        ]
    }
    path = tmp_path / "content.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    monkeypatch.setattr(demo, "CONTENT", path)
    with pytest.raises(demo.DemoContentError, match=r"b-1 items\.0\.options: REQUIRED [^;]*$"):
        await demo.seed_demo(session, settings, now)
