"""Demo content and demo accounts for the embedded default: a first run has something to explore."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.accounts.auth import Registration, create_user
from domain.content import courses as authoring
from domain.content import importing
from domain.models import Course, Role, User
from domain.settings import Settings

CONTENT = Path(__file__).parent / "demo_content.json"
DEMO_PASSWORD = "learnql-demo"  # noqa: S105  (public on purpose: demo accounts)
# Any constant shared by all seeders; PostgreSQL serialises them on it.
_SEED_LOCK = 0x1EA2_0001


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: Role
    timezone: str


DEMO_INSTRUCTOR = DemoAccount("instructor@demo.learnql.dev", "Ada Instructor", Role.INSTRUCTOR, "UTC")
DEMO_LEARNER = DemoAccount("learner@demo.learnql.dev", "Lin Learner", Role.LEARNER, "Europe/Berlin")
DEMO_ACCOUNTS = (DEMO_INSTRUCTOR, DEMO_LEARNER)


class DemoContentError(RuntimeError):
    """The bundled demo content does not import cleanly: a bug in demo_content.json."""


def load_content(path: Path | None = None) -> list[dict[str, Any]]:
    """The courses of the demo content file, each with its lessons and their problems."""
    content = (path or CONTENT).read_text(encoding="utf-8")
    courses = json.loads(content)["courses"]
    assert isinstance(courses, list)
    return courses


async def _account(session: AsyncSession, settings: Settings, account: DemoAccount, now: datetime) -> User:
    """The demo account, created unless someone registered that email already."""
    query = select(User).where(col(User.email) == account.email)
    user = (await session.execute(query)).scalar_one_or_none()
    if user is not None:
        return user
    registration = Registration(account.email, DEMO_PASSWORD, account.display_name, account.timezone)
    return await create_user(session, settings, registration, role=account.role, now=now)


async def seed_demo(session: AsyncSession, settings: Settings, now: datetime) -> bool:
    """Create the demo accounts and courses, once: False (and nothing done) if any course exists.

    Raises DemoContentError if an item of the demo content fails to import. The caller commits."""
    if session.get_bind().dialect.name == "postgresql":
        # Two API processes starting together: the second waits, then sees the courses.
        await session.execute(text(f"SELECT pg_advisory_xact_lock({_SEED_LOCK})"))
    if (await session.execute(select(col(Course.id)).limit(1))).first() is not None:
        return False
    instructor, _ = [await _account(session, settings, account, now) for account in DEMO_ACCOUNTS]
    for course_content in load_content():
        draft = authoring.CourseDraft(
            course_content["slug"], course_content["title"], course_content.get("description", "")
        )
        course = await authoring.create_course(session, instructor, draft, now)
        assert course.id is not None
        for lesson_content in course_content["lessons"]:
            lesson_draft = authoring.LessonDraft(course.id, lesson_content["title"], lesson_content.get("body", ""))
            lesson = await authoring.create_lesson(session, instructor, lesson_draft, now)
            assert lesson.id is not None
            await authoring.publish_lesson(session, instructor, lesson.id)
            items = lesson_content.get("problems", [])
            report = await importing.import_problems(session, instructor, lesson.id, items, now)
            if report.errors:
                details = "; ".join(
                    f"{error.external_id or error.index} {'.'.join(error.field)}: {error.code} {error.message}"
                    for error in report.errors
                )
                raise DemoContentError(f"Demo content does not import: {details}")
    return True
