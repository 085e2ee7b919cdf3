"""learning events: the learning record's table, filled from the tables that existed before it (issue 18)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

The backfill writes, with the payload keys of domain/record/kinds.py, an event for every submission,
graded answer, review, XP award, passed lesson submission, learner message to the tutor and signed-in
player of a finished game. Streaks have no history to rebuild: their events start with this revision.
The SQL is the same on SQLite and PostgreSQL but for the cast of the built text to JSON.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(expression: str) -> str:
    return f"CAST({expression} AS TEXT)"


def _nullable(expression: str) -> str:
    return f"COALESCE(CAST({expression} AS TEXT), 'null')"


def _string(expression: str) -> str:
    """A JSON string of a text column (backslashes and quotes escaped)."""
    return f"""'"' || REPLACE(REPLACE({expression}, '\\', '\\\\'), '"', '\\"') || '"'"""


def _boolean(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 'true' ELSE 'false' END"


def _object(**fields: str) -> str:
    """A JSON object built by concatenation: `fields` map keys to SQL expressions of JSON text."""
    parts = [f"""'{"{" if i == 0 else ","}"{key}":' || {value}""" for i, (key, value) in enumerate(fields.items())]
    return " || ".join(parts) + " || '}'"


# (type, occurred_at, course_id, lesson_id, problem_id, payload, FROM ... WHERE ...)
_SOURCES: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "ANSWER_SUBMITTED",
        "s.created_at",
        "l.course_id",
        "l.id",
        "s.problem_id",
        _object(
            submissionId=_text("s.id"),
            lessonId=_nullable("s.lesson_id"),
            problemId=_nullable("s.problem_id"),
            answerCount=_text("(SELECT COUNT(*) FROM answers a WHERE a.submission_id = s.id)"),
            pending=_boolean(
                "EXISTS (SELECT 1 FROM answers a JOIN problems ap ON ap.id = a.problem_id "
                "WHERE a.submission_id = s.id AND ap.kind = 'FREE_TEXT')"
            ),
        ),
        "FROM submissions s LEFT JOIN problems p ON p.id = s.problem_id "
        "JOIN lessons l ON l.id = COALESCE(s.lesson_id, p.lesson_id)",
    ),
    (
        "ANSWER_GRADED",
        "CASE WHEN p.kind = 'FREE_TEXT' THEN COALESCE(s.graded_at, s.created_at) ELSE s.created_at END",
        "l.course_id",
        "l.id",
        "a.problem_id",
        _object(
            submissionId=_text("a.submission_id"),
            problemId=_text("a.problem_id"),
            correct=_boolean("a.correct"),
            score=_text("COALESCE(a.score, 0.0)"),
            grader="CASE WHEN p.kind = 'FREE_TEXT' THEN '\"AI\"' ELSE '\"AUTO\"' END",
        ),
        "FROM answers a JOIN submissions s ON s.id = a.submission_id JOIN problems p ON p.id = a.problem_id "
        "JOIN lessons l ON l.id = p.lesson_id WHERE a.status = 'GRADED'",
    ),
    (
        "CARD_REVIEWED",
        "r.reviewed_at",
        "l.course_id",
        "l.id",
        "c.problem_id",
        _object(
            cardId=_text("r.card_id"),
            problemId=_text("c.problem_id"),
            rating=_text("r.rating"),
            stateBefore=_string("r.state_before"),
            stateAfter=_string("r.state_after"),
            submissionId=_nullable("r.submission_id"),
        ),
        "FROM review_logs r JOIN review_cards c ON c.id = r.card_id JOIN problems p ON p.id = c.problem_id "
        "JOIN lessons l ON l.id = p.lesson_id",
    ),
    (
        "XP_AWARDED",
        "x.created_at",
        "x.course_id",
        "NULL",
        "NULL",
        _object(amount=_text("x.amount"), reason=_string("x.reason"), ref=_string("x.ref")),
        "FROM xp_events x",
    ),
    (
        "LESSON_COMPLETED",
        "COALESCE(s.graded_at, s.created_at)",
        "l.course_id",
        "l.id",
        "NULL",
        _object(
            lessonId=_text("s.lesson_id"), submissionId=_text("s.id"), score=_text("s.score / s.max_score")
        ),
        "FROM submissions s JOIN lessons l ON l.id = s.lesson_id "
        "WHERE s.status = 'GRADED' AND s.max_score > 0 AND s.score / s.max_score >= 0.7",
    ),
    (
        "TUTOR_MESSAGE",
        "m.created_at",
        "t.course_id",
        "p.lesson_id",
        "t.problem_id",
        _object(threadId=_text("m.thread_id"), messageId=_text("m.id"), problemId=_text("t.problem_id")),
        "FROM tutor_messages m JOIN tutor_threads t ON t.id = m.thread_id JOIN problems p ON p.id = t.problem_id "
        "WHERE m.role = 'LEARNER'",
    ),
    (
        "GAME_PLAYED",
        "COALESCE(g.finished_at, g.created_at)",
        "g.course_id",
        "g.lesson_id",
        "NULL",
        _object(
            gameId=_text("gp.game_id"),
            playerId=_text("gp.id"),
            score=_text("gp.score"),
            correctAnswers=_text("gp.correct_count"),
        ),
        "FROM game_players gp JOIN games g ON g.id = gp.game_id "
        "WHERE g.state = 'FINISHED' AND gp.user_id IS NOT NULL AND NOT gp.kicked",
    ),
]

_USERS = {
    "ANSWER_SUBMITTED": "s.user_id",
    "ANSWER_GRADED": "a.user_id",
    "CARD_REVIEWED": "r.user_id",
    "XP_AWARDED": "x.user_id",
    "LESSON_COMPLETED": "s.user_id",
    "TUTOR_MESSAGE": "m.user_id",
    "GAME_PLAYED": "gp.user_id",
}


def upgrade() -> None:
    op.create_table(
        "learning_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("occurred_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("problem_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_learning_events_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_events")),
    )
    with op.batch_alter_table("learning_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_learning_events_user_occurred", ["user_id", "occurred_at", "id"], unique=False
        )
    json = "CAST({} AS JSON)" if op.get_bind().dialect.name == "postgresql" else "{}"
    for type_, at, course, lesson, problem, payload, source in _SOURCES:
        op.execute(
            "INSERT INTO learning_events (user_id, type, occurred_at, course_id, lesson_id, problem_id, payload) "
            f"SELECT {_USERS[type_]}, '{type_}', {at}, {course}, {lesson}, {problem}, {json.format(payload)} "
            f"{source}"
        )


def downgrade() -> None:
    with op.batch_alter_table("learning_events", schema=None) as batch_op:
        batch_op.drop_index("ix_learning_events_user_occurred")
    op.drop_table("learning_events")
