from datetime import date
from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel, Upload
from .enums import AlertKind, LeaderboardKind, ProblemKind, ProblemStatus, Rating


class AlertIdInput(BaseModel):
    alert_id: str = Field(alias="alertId")


class AnswerGameQuestionInput(BaseModel):
    game_id: str = Field(alias="gameId")
    question_index: int = Field(alias="questionIndex")
    answer: "AnswerInput"
    idempotency_key: str = Field(alias="idempotencyKey")
    "A retry with the same key and answer replays it. At most 255 characters."


class AnswerInput(BaseModel):
    """An answer to one problem: optionIds for choice kinds, number or text otherwise."""

    problem_id: str = Field(alias="problemId")
    option_ids: Optional[list[str]] = Field(alias="optionIds", default=None)
    number: Optional[float] = None
    text: Optional[str] = None
    "At most 10,000 characters."
    duration_ms: Optional[int] = Field(alias="durationMs", default=None)
    "Optional: milliseconds the learner spent on the problem, 0..3600000 (an hour); out of range is INVALID. Not part of the idempotency fingerprint."
    confidence: Optional[int] = None
    "Optional: how sure the learner was, 1 (guessing) .. 5 (certain); out of range is INVALID. Not part of the idempotency fingerprint."


class AskTutorInput(BaseModel):
    """A message to the tutor: `problemId` starts a thread about that problem, `threadId` continues one. `clientMessageId` (new for every message, at most 100 characters) makes the send safe to retry."""

    message: str
    "What the learner asks. At most LEARNQL_TUTOR_MAX_MESSAGE_CHARS characters (2,000 by default)."
    client_message_id: str = Field(alias="clientMessageId")
    "New for every message; a retry with the same id returns the same message. At most 100 characters."
    problem_id: Optional[str] = Field(alias="problemId", default=None)
    thread_id: Optional[str] = Field(alias="threadId", default=None)
    submission_id: Optional[str] = Field(alias="submissionId", default=None)
    "One of your submissions the new thread is about (optional)."


class ChangePasswordInput(BaseModel):
    current_password: str = Field(alias="currentPassword")
    "At most 256 characters."
    new_password: str = Field(alias="newPassword")
    "At least 8 characters, not a common password. At most 256 characters."


class ClassAlertSettingsUpdateInput(BaseModel):
    """Change a class's alert thresholds; fields left out keep their value."""

    class_id: str = Field(alias="classId")
    kinds: Optional[list[AlertKind]] = None
    "The rules that raise alerts (an empty list: none)."
    low_mean: Optional[float] = Field(alias="lowMean", default=None)
    "From 0 to 100."
    min_grades: Optional[int] = Field(alias="minGrades", default=None)
    "From 1 to 100."
    declining_slope_per_week: Optional[float] = Field(
        alias="decliningSlopePerWeek", default=None
    )
    "From -100 to 0."
    declining_change_30_days: Optional[float] = Field(
        alias="decliningChange30Days", default=None
    )
    "From -100 to 0."
    failing_streak: Optional[int] = Field(alias="failingStreak", default=None)
    "From 2 to 20."
    failing_score: Optional[float] = Field(alias="failingScore", default=None)
    "From 0 to 100."
    inactive_days: Optional[int] = Field(alias="inactiveDays", default=None)
    "From 1 to 365."


class ClassCreateInput(BaseModel):
    name: str
    "At most 200 characters."
    course_ids: list[str] = Field(alias="courseIds", default_factory=lambda: [])
    "Courses the class follows: grades in their lessons count for the class (none: every lesson)."


class CourseCreateInput(BaseModel):
    slug: str
    "a-z, 0-9 and -. At most 100 characters."
    title: str
    "At most 200 characters."
    description: str = ""
    "At most 10,000 characters."


class CourseUpdateInput(BaseModel):
    id: str
    title: Optional[str] = None
    "At most 200 characters."
    description: Optional[str] = None
    "At most 10,000 characters."


class CreateGameInput(BaseModel):
    lesson_id: str = Field(alias="lessonId")
    "Its published choice, numeric and short-text problems."
    seconds_per_question: int = Field(alias="secondsPerQuestion", default=20)
    "5 to 240."
    points_per_question: int = Field(alias="pointsPerQuestion", default=1000)
    "0 to 10000."
    speed_bonus: bool = Field(alias="speedBonus", default=True)
    "Faster right answers earn more: points x (1 - elapsed / limit / 2)."
    shuffle: bool = False
    "Shuffle the questions and their options."
    max_players: int = Field(alias="maxPlayers", default=500)
    "1 to 5000."


class DeleteAccountInput(BaseModel):
    password: str
    "The account's current password. At most 256 characters."


class GameIdInput(BaseModel):
    game_id: str = Field(alias="gameId")


class GenerateProblemsInput(BaseModel):
    """Problems to generate for a lesson from `sourceText` or from `document`, a PDF sent as a GraphQL multipart upload (exactly one of the two)."""

    lesson_id: str = Field(alias="lessonId")
    source_text: Optional[str] = Field(alias="sourceText", default=None)
    "The material, as plain text. At most LEARNQL_GENERATION_MAX_SOURCE_CHARS characters (2,000,000 by default)."
    document: Optional[Upload] = None
    "The material as a PDF with a text layer (scanned images cannot be read)."
    count: int = 10
    "How many problems, 1 to the configured maximum (100)."
    kinds: Optional[list[ProblemKind]] = None
    "Which kinds, taking turns: SINGLE_CHOICE, MULTIPLE_CHOICE, SHORT_TEXT, FREE_TEXT (NUMERIC cannot be generated). Left out: all four."


class GradeRowInput(BaseModel):
    """One external grade."""

    student_id: str = Field(alias="studentId")
    "A student of the class."
    subject: str
    "Subject or assessment name, e.g. `Midterm`. At most 200 characters."
    score: float
    "0 <= score <= maxScore."
    max_score: float = Field(alias="maxScore")
    "Greater than 0."
    external_id: str = Field(alias="externalId")
    "Your id of this grade, unique within the class: sending it again updates the grade. At most 200 characters."
    date: Optional[date] = None
    "When it was graded; today (UTC) if left out."


class ImportProblemsInput(BaseModel):
    """Bulk import: `items` is the JSON list of the import format (see README)."""

    lesson_id: str = Field(alias="lessonId")
    items: Any


class JoinClassInput(BaseModel):
    join_code: str = Field(alias="joinCode")
    "Case-insensitive; spaces and dashes are ignored. At most 64 characters."


class JoinGameInput(BaseModel):
    pin: str
    "The game's PIN, as shown on the host's screen. At most 16 characters."
    nickname: str
    "Unique in the game (ignoring case), 24 characters once trimmed. At most 96 characters."


class KickGamePlayerInput(BaseModel):
    game_id: str = Field(alias="gameId")
    player_id: str = Field(alias="playerId")


class LeaderboardScopeInput(BaseModel):
    """A leaderboard: its kind and, for COURSE and CLASS, whose; WEEKLY may name a week."""

    kind: LeaderboardKind
    id: Optional[str] = None
    "COURSE: a Course ID; CLASS: a Class ID; WEEKLY: an ISO week such as `2026-W09` (left out: the current week, following it as weeks change); ALL_TIME: left out."


class LessonCreateInput(BaseModel):
    course_id: str = Field(alias="courseId")
    title: str
    "At most 200 characters."
    body: str = ""
    "At most 200,000 characters."
    position: Optional[int] = None
    "Defaults to after the last lesson."


class LessonUpdateInput(BaseModel):
    id: str
    title: Optional[str] = None
    "At most 200 characters."
    body: Optional[str] = None
    "At most 200,000 characters."
    position: Optional[int] = None


class LoginInput(BaseModel):
    email: str
    "At most 320 characters."
    password: str
    "At most 256 characters."


class OptionInput(BaseModel):
    text: str
    "At most 10,000 characters."
    correct: bool = False


class ProblemCreateInput(BaseModel):
    lesson_id: str = Field(alias="lessonId")
    kind: ProblemKind
    prompt: str
    "At most 10,000 characters."
    explanation: str = ""
    "At most 10,000 characters."
    difficulty: int = 1
    options: list["OptionInput"] = Field(default_factory=lambda: [])
    numeric_answer: Optional[float] = Field(alias="numericAnswer", default=None)
    tolerance: float = 0
    accepted_answers: list[str] = Field(
        alias="acceptedAnswers", default_factory=lambda: []
    )
    "At most 10,000 characters each."
    reference_answer: Optional[str] = Field(alias="referenceAnswer", default=None)
    "At most 10,000 characters."
    rubric: list[str] = Field(default_factory=lambda: [])
    "At most 10,000 characters each."
    tags: list[str] = Field(default_factory=lambda: [])
    "At most 50 characters each."
    topic_ids: list[str] = Field(alias="topicIds", default_factory=lambda: [])
    status: ProblemStatus = ProblemStatus.PUBLISHED
    external_id: Optional[str] = Field(alias="externalId", default=None)
    "At most 200 characters."


class ProblemUpdateInput(BaseModel):
    id: str
    prompt: Optional[str] = None
    "At most 10,000 characters."
    explanation: Optional[str] = None
    "At most 10,000 characters."
    difficulty: Optional[int] = None
    options: Optional[list["OptionInput"]] = None
    "Replaces all options when sent."
    numeric_answer: Optional[float] = Field(alias="numericAnswer", default=None)
    tolerance: Optional[float] = None
    accepted_answers: Optional[list[str]] = Field(alias="acceptedAnswers", default=None)
    "At most 10,000 characters each."
    reference_answer: Optional[str] = Field(alias="referenceAnswer", default=None)
    "At most 10,000 characters."
    rubric: Optional[list[str]] = None
    "At most 10,000 characters each."
    tags: Optional[list[str]] = None
    "At most 50 characters each."
    topic_ids: Optional[list[str]] = Field(alias="topicIds", default=None)
    status: Optional[ProblemStatus] = None


class PublishLessonInput(BaseModel):
    id: str
    published: bool = True


class RecordGradesInput(BaseModel):
    class_id: str = Field(alias="classId")
    rows: list["GradeRowInput"]
    "At most 5000 rows per call."


class RegisterInput(BaseModel):
    email: str
    "At most 320 characters."
    password: str
    "At least 8 characters, not a common password. At most 256 characters."
    display_name: str = Field(alias="displayName")
    "At most 100 characters."
    timezone: str = "UTC"
    "IANA time zone; streak days are its local days. At most 64 characters."


class RegradeProblemInput(BaseModel):
    problem_id: str = Field(alias="problemId")


class ReviewCardInput(BaseModel):
    card_id: str = Field(alias="cardId")
    rating: Rating
    idempotency_key: str = Field(alias="idempotencyKey")
    "Unique per user; a retry with the same key replays. At most 255 characters."
    duration_ms: Optional[int] = Field(alias="durationMs", default=None)
    "How long the review took, in ms."


class ReviewSettingsUpdateInput(BaseModel):
    """Fields left out stay unchanged."""

    desired_retention: Optional[float] = Field(alias="desiredRetention", default=None)
    "0.70-0.97."
    maximum_interval: Optional[int] = Field(alias="maximumInterval", default=None)
    "1-36500 days."
    new_cards_per_day: Optional[int] = Field(alias="newCardsPerDay", default=None)
    "0-1000."
    reviews_per_day: Optional[int] = Field(alias="reviewsPerDay", default=None)
    "0-10000."
    learning_steps: Optional[list[int]] = Field(alias="learningSteps", default=None)
    "Up to 10 steps of 1-10080 minutes; [] sends new cards straight to REVIEW."
    relearning_steps: Optional[list[int]] = Field(alias="relearningSteps", default=None)
    "As learningSteps."


class StudentAlertsInput(BaseModel):
    """A student of a class you teach."""

    class_id: str = Field(alias="classId")
    student_id: str = Field(alias="studentId")


class SubmitAnswerInput(BaseModel):
    problem_id: str = Field(alias="problemId")
    idempotency_key: str = Field(alias="idempotencyKey")
    "Unique per user; a retry with the same key replays. At most 255 characters."
    answer: "AnswerInput"


class SubmitAnswersInput(BaseModel):
    lesson_id: str = Field(alias="lessonId")
    idempotency_key: str = Field(alias="idempotencyKey")
    "Unique per user; a retry with the same key replays. At most 255 characters."
    answers: list["AnswerInput"]


class TopicCreateInput(BaseModel):
    name: str
    "At most 200 characters."
    parent_id: Optional[str] = Field(alias="parentId", default=None)


class TopicUpdateInput(BaseModel):
    id: str
    name: Optional[str] = None
    "At most 200 characters."
    parent_id: Optional[str] = Field(alias="parentId", default=None)


class TutorThreadIdInput(BaseModel):
    thread_id: str = Field(alias="threadId")


AnswerGameQuestionInput.model_rebuild()
ProblemCreateInput.model_rebuild()
ProblemUpdateInput.model_rebuild()
RecordGradesInput.model_rebuild()
SubmitAnswerInput.model_rebuild()
SubmitAnswersInput.model_rebuild()
