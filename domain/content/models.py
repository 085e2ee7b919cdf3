"""Content: courses, lessons, problems, options and the topic tree."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, String, Text
from sqlmodel import Field, SQLModel

from domain.models.base import UTCDateTime


class ProblemKind(StrEnum):
    SINGLE_CHOICE = "SINGLE_CHOICE"
    MULTIPLE_CHOICE = "MULTIPLE_CHOICE"
    NUMERIC = "NUMERIC"
    SHORT_TEXT = "SHORT_TEXT"
    FREE_TEXT = "FREE_TEXT"


class ProblemStatus(StrEnum):
    PUBLISHED = "PUBLISHED"
    DRAFT = "DRAFT"


class Course(SQLModel, table=True):
    __tablename__ = "courses"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=String(100), unique=True)
    title: str = Field(sa_type=String(200))
    description: str = Field(default="", sa_type=Text)
    owner_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime)


class Lesson(SQLModel, table=True):
    __tablename__ = "lessons"
    __table_args__ = (Index("ix_lessons_course_position", "course_id", "position", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="courses.id")
    title: str = Field(sa_type=String(200))
    body: str = Field(default="", sa_type=Text)
    position: int = Field(default=0)
    published: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Topic(SQLModel, table=True):
    __tablename__ = "topics"

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="topics.id", index=True)
    path: str = Field(sa_type=String(400), unique=True)
    name: str = Field(sa_type=String(200))


class Problem(SQLModel, table=True):
    __tablename__ = "problems"
    __table_args__ = (Index("ix_problems_lesson_position", "lesson_id", "position", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lessons.id")
    external_id: str | None = Field(default=None, sa_type=String(200), unique=True)
    kind: str = Field(sa_type=String(20))
    status: str = Field(default=ProblemStatus.PUBLISHED.value, sa_type=String(20))
    prompt: str = Field(sa_type=Text)
    explanation: str = Field(default="", sa_type=Text)
    difficulty: int = Field(default=1)
    position: int = Field(default=0)
    numeric_answer: float | None = Field(default=None)
    tolerance: float = Field(default=0.0)
    accepted_answers: list[str] = Field(default_factory=list, sa_type=JSON)
    reference_answer: str | None = Field(default=None, sa_type=Text)
    rubric: list[str] = Field(default_factory=list, sa_type=JSON)
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Option(SQLModel, table=True):
    __tablename__ = "options"
    __table_args__ = (Index("ix_options_problem_position", "problem_id", "position", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    problem_id: int = Field(foreign_key="problems.id", ondelete="CASCADE")
    text: str = Field(sa_type=Text)
    correct: bool = Field(default=False)
    position: int = Field(default=0)


class ProblemTopic(SQLModel, table=True):
    __tablename__ = "problem_topics"
    problem_id: int = Field(foreign_key="problems.id", primary_key=True, ondelete="CASCADE")
    topic_id: int = Field(foreign_key="topics.id", primary_key=True, index=True)
