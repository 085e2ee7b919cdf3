"""Grades: one per fully graded submission, plus external grades instructors record in batch.

`record_submission` is the hook for every path that completes a submission's grading: `submit`
calls it when everything was graded inside the mutation, the evaluation worker after it grades the
last free-text answer (its unit of work then commits and bumps the cache). It is idempotent:
one grade per submission, updated in place when called again.

`record_grades` stores up to MAX_ROWS external grades in one transaction with a few multi-row
INSERT ... ON CONFLICT (class, external id) DO UPDATE statements; bad rows are reported by index
and the others land. It locks no user: its rows reference the students (a KEY SHARE lock), which
never waits for the students' own writers (FOR NO KEY UPDATE, domain/infra/locks.py).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.alerts.requests import evaluation_requested
from domain.analytics.invalidation import mark_dirty
from domain.classes import membership
from domain.errors import DomainError, Invalid, NotFound
from domain.infra.database import INSERTS, dialect_insert
from domain.models import Grade, Problem, Submission, SubmissionStatus, User

MAX_ROWS = 5000
CHUNK_ROWS = 1000  # 1000 rows x 10 columns stays far below both drivers' bound-parameter limits
MAX_TEXT = 200


async def record_submission(session: AsyncSession, submission_id: int, now: datetime) -> bool:
    """Record (or refresh) the grade of a submission once it is fully graded; False while it is not."""
    return bool(await record_submissions(session, [submission_id], now))


@functools.cache
def _upsert_grades(dialect: str) -> Any:
    """The grade upsert of `record_submissions`, built once per database: building it costs more CPU than
    running it (`excluded` is a new alias of the table, its columns copied, each time)."""
    table = Grade.__table__  # type: ignore[attr-defined]
    now = bindparam("now", type_=table.c.updated_at.type)
    source = (
        select(
            col(Submission.user_id),
            func.coalesce(col(Submission.lesson_id), col(Problem.lesson_id)),
            col(Submission.id),
            col(Submission.score),
            col(Submission.max_score),
            func.coalesce(col(Submission.graded_at), now),
            now,
        )
        .select_from(Submission)
        .outerjoin(Problem, col(Problem.id) == col(Submission.problem_id))
        .where(
            col(Submission.id).in_(bindparam("submission_ids", expanding=True)),
            col(Submission.status) == SubmissionStatus.GRADED.value,
            col(Submission.score).is_not(None),
            col(Submission.max_score) > 0,
        )
        .order_by(col(Submission.id))  # rows shared between users: upserted in a stable order (locks.py)
    )
    insert = INSERTS[dialect](table).from_select(
        ["user_id", "lesson_id", "submission_id", "score", "max_score", "graded_at", "updated_at"], source
    )
    return insert.on_conflict_do_update(
        index_elements=["submission_id"],
        set_={
            "score": insert.excluded.score,
            "max_score": insert.excluded.max_score,
            "graded_at": insert.excluded.graded_at,
            "updated_at": insert.excluded.updated_at,
        },
    ).returning(col(Grade.user_id))


async def record_submissions(session: AsyncSession, submission_ids: Sequence[int], now: datetime) -> int:
    """Record (or refresh) the grades of the fully graded submissions among `submission_ids` in one
    statement (a regrade refreshes a batch at once); returns how many were recorded."""
    if not submission_ids:
        return 0
    statement = _upsert_grades(session.get_bind().dialect.name)
    parameters = {"submission_ids": sorted(set(submission_ids)), "now": now}
    user_ids = list((await session.execute(statement, parameters)).scalars())
    if not user_ids:
        return 0
    memberships = await membership.classes_of_users(session, sorted(set(user_ids)))
    classes = {class_id for user_id in user_ids for class_id in memberships.get(user_id, ())}
    mark_dirty(session, classes=sorted(classes), students=sorted(set(user_ids)))
    members = sorted({user_id for user_id in user_ids if memberships.get(user_id)})
    if members:
        evaluation_requested(session, members)
    return len(user_ids)


@dataclass(frozen=True)
class GradeRow:
    """One external grade; `student_id` is None when the client sent something that is no user ID."""

    student_id: int | None
    subject: str
    score: float
    max_score: float
    external_id: str
    graded_on: date | None = None


@dataclass(frozen=True)
class RecordReport:
    recorded: int
    errors: list[DomainError] = field(default_factory=list)


def check_row(index: int, row: GradeRow, members: set[int]) -> list[DomainError]:
    """What is wrong with one row, each with its field path ["rows", index, field]."""
    path = ["rows", str(index)]
    errors: list[DomainError] = []
    if row.student_id is None or row.student_id not in members:
        errors.append(NotFound("No such student in this class.", field=[*path, "studentId"]))
    max_valid = math.isfinite(row.max_score) and row.max_score > 0
    if not max_valid:
        errors.append(Invalid("The maximum score must be a positive number.", field=[*path, "maxScore"]))
    if not math.isfinite(row.score) or row.score < 0:
        errors.append(Invalid("The score must be a number of at least 0.", field=[*path, "score"]))
    elif max_valid and row.score > row.max_score:
        errors.append(Invalid("The score is above the maximum score.", field=[*path, "score"]))
    for name, value in (("subject", row.subject), ("externalId", row.external_id)):
        if not value.strip():
            errors.append(Invalid(f"`{name}` must not be empty.", field=[*path, name]))
        elif len(value) > MAX_TEXT:
            errors.append(Invalid(f"`{name}` is longer than {MAX_TEXT} characters.", field=[*path, name]))
    return errors


def _valid_rows(rows: Sequence[GradeRow], members: set[int]) -> tuple[dict[str, int], list[DomainError]]:
    """Indexes of the rows to store by external id, and the errors of the others."""
    accepted: dict[str, int] = {}
    errors: list[DomainError] = []
    for index, row in enumerate(rows):
        problems = check_row(index, row, members)
        external_id = row.external_id.strip()
        if not problems and external_id in accepted:
            problems.append(
                Invalid(
                    f"The external id repeats row {accepted[external_id]}.",
                    field=["rows", str(index), "externalId"],
                    code="DUPLICATE",
                )
            )
        if problems:
            errors.extend(problems)
        else:
            accepted[external_id] = index
    return accepted, errors


async def record_grades(
    session: AsyncSession, viewer: User, class_id: int, rows: Sequence[GradeRow], now: datetime
) -> RecordReport:
    """Store external grades for a class the viewer teaches, idempotent by external id.

    Re-sending an external id updates its grade; an external id already used for another student
    of the class is refused (EXTERNAL_ID_TAKEN) rather than moved to a different student."""
    assert viewer.id is not None
    await membership.check_class_access(session, viewer.id, class_id)
    if len(rows) > MAX_ROWS:
        raise Invalid(f"At most {MAX_ROWS} rows per call; split the batch.", field=["rows"])
    members = await membership.member_ids(session, class_id)
    accepted, errors = _valid_rows(rows, members)
    # in external-id order: concurrent batches lock the rows they share in the same order (no deadlock)
    values = [_values(rows[accepted[key]], key, class_id, viewer.id, now) for key in sorted(accepted)]
    stored: set[str] = set()
    for start in range(0, len(values), CHUNK_ROWS):
        stored.update(await _upsert(session, values[start : start + CHUNK_ROWS]))
    for external_id, index in accepted.items():
        if external_id not in stored:
            errors.append(
                Invalid(
                    "This external id is already recorded for another student.",
                    field=["rows", str(index), "externalId"],
                    code="EXTERNAL_ID_TAKEN",
                )
            )
    if stored:
        students = {rows[accepted[external_id]].student_id for external_id in stored}
        mark_dirty(session, classes=[class_id], students={s for s in students if s is not None})
        evaluation_requested(session, {s for s in students if s is not None})
    errors.sort(key=lambda error: int(error.field[1]) if error.field else -1)
    return RecordReport(recorded=len(stored), errors=errors)


def _values(row: GradeRow, external_id: str, class_id: int, viewer_id: int, now: datetime) -> dict[str, object]:
    graded_at = datetime.combine(row.graded_on, time(), tzinfo=UTC) if row.graded_on is not None else now
    return {
        "user_id": row.student_id,
        "class_id": class_id,
        "external_id": external_id,
        "subject": row.subject.strip(),
        "recorded_by": viewer_id,
        "score": row.score,
        "max_score": row.max_score,
        "graded_at": graded_at,
        "updated_at": now,
    }


async def _upsert(session: AsyncSession, values: list[dict[str, object]]) -> set[str]:
    """One multi-row statement; returns the external ids stored (those owned by another student are not)."""
    insert = dialect_insert(session)(Grade).values(values)
    statement = insert.on_conflict_do_update(
        index_elements=["class_id", "external_id"],
        set_={
            name: getattr(insert.excluded, name)
            for name in ("subject", "recorded_by", "score", "max_score", "graded_at", "updated_at")
        },
        where=col(Grade.user_id) == insert.excluded.user_id,
    ).returning(col(Grade.external_id))
    return {external_id for external_id in (await session.execute(statement)).scalars() if external_id is not None}
