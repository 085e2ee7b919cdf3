"""All tables, imported together so that SQLModel.metadata is complete."""

from domain.accounts.models import RevokedToken, Role, User
from domain.alerts.models import AlertMute, ClassAlertSettings, InstructorAlert
from domain.classes.models import Class, ClassCourse, ClassMember, Grade
from domain.content.models import (
    Course,
    Lesson,
    Option,
    Problem,
    ProblemKind,
    ProblemStatus,
    ProblemTopic,
    Topic,
)
from domain.games.models import Game, GameAnswer, GamePlayer, GameQuestion, GameState
from domain.jobs.models import AiCacheEntry, Job, JobKind, JobStatus
from domain.learning.models import (
    Answer,
    LessonProgress,
    Submission,
    SubmissionStatus,
    XpEvent,
)
from domain.reviews.models import CardState, ReviewCard, ReviewLog, ReviewParameters, ReviewSettings
from domain.tutor.models import TutorMessage, TutorMessageStatus, TutorRole, TutorThread

__all__ = [
    "AiCacheEntry",
    "AlertMute",
    "Answer",
    "CardState",
    "Class",
    "ClassAlertSettings",
    "ClassCourse",
    "ClassMember",
    "Course",
    "Game",
    "GameAnswer",
    "GamePlayer",
    "GameQuestion",
    "GameState",
    "Grade",
    "InstructorAlert",
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
    "ReviewParameters",
    "ReviewSettings",
    "RevokedToken",
    "Role",
    "Submission",
    "SubmissionStatus",
    "Topic",
    "TutorMessage",
    "TutorMessageStatus",
    "TutorRole",
    "TutorThread",
    "User",
    "XpEvent",
]
