"""All tables, imported together so that SQLModel.metadata is complete."""

from domain.models.classes import Class, ClassCourse, ClassMember, Grade
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
from domain.models.jobs import AiCacheEntry, Job, JobKind, JobStatus
from domain.models.learning import (
    Answer,
    LessonProgress,
    Submission,
    SubmissionStatus,
    XpEvent,
)
from domain.models.reviews import CardState, ReviewCard, ReviewLog, ReviewSettings
from domain.models.users import Role, User

__all__ = [
    "AiCacheEntry",
    "Answer",
    "CardState",
    "Class",
    "ClassCourse",
    "ClassMember",
    "Course",
    "Grade",
    "Job",
    "JobKind",
    "JobStatus",
    "Lesson",
    "LessonProgress",
    "Option",
    "Problem",
    "ProblemKind",
    "ProblemStatus",
    "ProblemTopic",
    "ReviewCard",
    "ReviewLog",
    "ReviewSettings",
    "Role",
    "Submission",
    "SubmissionStatus",
    "Topic",
    "User",
    "XpEvent",
]
