from datetime import datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import CardState, ProblemKind, Role, SubmissionStatus, UserErrorCode


class LeaderboardFields(BaseModel):
    updated_at: datetime = Field(alias="updatedAt")
    entries: list["LeaderboardFieldsEntries"]
    viewer_entry: Optional["LeaderboardFieldsViewerEntry"] = Field(alias="viewerEntry")


class LeaderboardFieldsEntries(BaseModel):
    rank: int
    xp: int
    user: "LeaderboardFieldsEntriesUser"


class LeaderboardFieldsEntriesUser(BaseModel):
    id: str
    display_name: str = Field(alias="displayName")


class LeaderboardFieldsViewerEntry(BaseModel):
    rank: int
    xp: int


class ProblemFields(BaseModel):
    id: str
    kind: ProblemKind
    prompt: str
    difficulty: int
    options: list["ProblemFieldsOptions"]


class ProblemFieldsOptions(BaseModel):
    id: str
    text: str


class LessonFields(BaseModel):
    id: str
    title: str
    position: int
    course: "LessonFieldsCourse"
    viewer_progress: Optional["LessonFieldsViewerProgress"] = Field(
        alias="viewerProgress"
    )
    problems: list["LessonFieldsProblems"]


class LessonFieldsCourse(BaseModel):
    id: str
    title: str


class LessonFieldsViewerProgress(BaseModel):
    best_score: float = Field(alias="bestScore")
    attempts: int
    completed: bool


class LessonFieldsProblems(ProblemFields):
    pass


class ReviewCardFields(BaseModel):
    id: str
    state: CardState
    due: datetime
    reps: int
    lapses: int
    problem: "ReviewCardFieldsProblem"


class ReviewCardFieldsProblem(BaseModel):
    id: str
    prompt: str


class SubmissionFields(BaseModel):
    id: str
    status: SubmissionStatus
    score: Optional[float]
    max_score: float = Field(alias="maxScore")
    xp_awarded: int = Field(alias="xpAwarded")
    created_at: datetime = Field(alias="createdAt")
    graded_at: Optional[datetime] = Field(alias="gradedAt")
    answers: list["SubmissionFieldsAnswers"]


class SubmissionFieldsAnswers(BaseModel):
    id: str
    status: SubmissionStatus
    correct: Optional[bool]
    score: Optional[float]
    feedback: Optional[str]
    problem: "SubmissionFieldsAnswersProblem"


class SubmissionFieldsAnswersProblem(BaseModel):
    id: str


class UserErrorFields(BaseModel):
    field: Optional[list[str]]
    code: UserErrorCode
    message: str
    retry_after: Optional[int] = Field(alias="retryAfter")


class ViewerFields(BaseModel):
    id: str
    display_name: str = Field(alias="displayName")
    role: Role
    timezone: str
    xp: int
    streak: "ViewerFieldsStreak"


class ViewerFieldsStreak(BaseModel):
    current: int
    best: int


LeaderboardFields.model_rebuild()
ProblemFields.model_rebuild()
LessonFields.model_rebuild()
ReviewCardFields.model_rebuild()
SubmissionFields.model_rebuild()
UserErrorFields.model_rebuild()
ViewerFields.model_rebuild()
