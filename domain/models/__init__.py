"""All tables, imported together so that SQLModel.metadata is complete."""

from domain.models.content import (
    Course,
    Lesson,
    Option,
    Problem,
    ProblemKind,
    ProblemStatus,
    ProblemTopic,
    Topic,
)
from domain.models.learning import (
    Answer,
    LessonProgress,
    Submission,
    SubmissionStatus,
    XpEvent,
)
from domain.models.users import Role, User

__all__ = [
    "Answer",
    "Course",
    "Lesson",
    "LessonProgress",
    "Option",
    "Problem",
    "ProblemKind",
    "ProblemStatus",
    "ProblemTopic",
    "Role",
    "Submission",
    "SubmissionStatus",
    "Topic",
    "User",
    "XpEvent",
]
