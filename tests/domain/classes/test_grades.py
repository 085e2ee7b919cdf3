"""Grades: one per fully graded submission, and external grades in batch with per-row errors."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.classes import grades
from domain.classes.grades import GradeRow
from domain.errors import Forbidden, Invalid
from domain.infra.database import session_factory
from domain.learning import submissions
from domain.models import Grade, ProblemKind, Role, Submission, SubmissionStatus, User
from domain.settings import Settings
from tests.effects import stale_scopes
from tests.factories import CourseFixture, make_class, make_course, make_user

AUTO_GRADED = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC)


def answers_for(fixture: CourseFixture, right: bool = True) -> tuple[submissions.AnswerInput, ...]:
    found = []
    for problem in fixture.problems[fixture.lessons[0].id]:  # type: ignore[index]
        assert problem.id is not None
        if problem.kind == ProblemKind.SINGLE_CHOICE.value:
            options = fixture.options[problem.id]
            chosen = next(o for o in options if o.correct is right)
            found.append(submissions.AnswerInput(problem.id, option_ids=(chosen.id,)))  # type: ignore[arg-type]
        elif problem.kind == ProblemKind.NUMERIC.value:
            found.append(submissions.AnswerInput(problem.id, number=42.0))
        else:
            found.append(submissions.AnswerInput(problem.id, text="It batches."))
    return tuple(found)


async def all_grades(session: AsyncSession) -> list[Grade]:
    return list((await session.execute(select(Grade).order_by(Grade.id))).scalars())  # type: ignore[arg-type]


def errors_of(report: grades.RecordReport) -> list[tuple[list[str] | None, str]]:
    return [(error.field, error.code) for error in report.errors]


async def test_a_fully_graded_submission_records_a_grade_and_marks_its_classes_stale(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=AUTO_GRADED)
    class_ = await make_class(session, instructor, now, courses=(fixture.course,), students=(learner,))
    await session.commit()
    request = submissions.SubmissionRequest("key-1", answers_for(fixture, right=False), lesson_id=fixture.lessons[0].id)

    outcome = await submissions.submit(session, learner, request, now)
    await session.commit()

    [grade] = await all_grades(session)
    assert (grade.user_id, grade.lesson_id, grade.submission_id) == (
        learner.id,
        fixture.lessons[0].id,
        outcome.submission.id,
    )
    assert (grade.score, grade.max_score, grade.graded_at) == (1.0, 2.0, now)  # the numeric answer was right
    assert (grade.class_id, grade.external_id) == (None, None)
    assert stale_scopes(session) == {f"class:{class_.id}", f"student:{learner.id}"}


async def test_a_pending_submission_records_its_grade_once_the_worker_completes_it(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(*AUTO_GRADED, ProblemKind.FREE_TEXT))
    await session.commit()
    request = submissions.SubmissionRequest("key-1", answers_for(fixture), lesson_id=fixture.lessons[0].id)
    outcome = await submissions.submit(session, learner, request, now)
    assert outcome.submission.status == SubmissionStatus.PENDING.value
    assert await all_grades(session) == []
    assert await grades.record_submission(session, outcome.submission.id, now) is False  # type: ignore[arg-type]

    # what the evaluation worker does once it has graded the free-text answer
    await session.execute(
        update(Submission)
        .where(Submission.id == outcome.submission.id)  # type: ignore[arg-type]
        .values(status=SubmissionStatus.GRADED.value, score=2.5, graded_at=now)
    )
    recorded = await grades.record_submission(session, outcome.submission.id, now)  # type: ignore[arg-type]
    again = await grades.record_submission(session, outcome.submission.id, now)  # type: ignore[arg-type]

    assert recorded is again is True
    [grade] = await all_grades(session)
    assert (grade.score, grade.max_score) == (2.5, 3.0)


async def test_a_single_problem_submission_is_graded_under_the_problems_lesson(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=AUTO_GRADED)
    numeric = next(p for p in fixture.problems[fixture.lessons[0].id] if p.kind == "NUMERIC")  # type: ignore[index]
    request = submissions.SubmissionRequest(
        "one",
        (submissions.AnswerInput(numeric.id, number=1.0),),
        problem_id=numeric.id,  # type: ignore[arg-type]
    )

    await submissions.submit(session, learner, request, now)

    [grade] = await all_grades(session)
    assert (grade.lesson_id, grade.score, grade.max_score) == (fixture.lessons[0].id, 0.0, 1.0)


@pytest.fixture
async def roster(session: AsyncSession, settings: Settings, now: datetime) -> dict[str, Any]:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    students = [await make_user(session, settings, now) for _ in range(3)]
    outsider = await make_user(session, settings, now)
    class_ = await make_class(session, instructor, now, students=tuple(students))
    await session.commit()
    return {"instructor": instructor, "students": students, "outsider": outsider, "class": class_}


def row(student: User | None, external_id: str, score: float = 7.0, max_score: float = 10.0, **extra: Any) -> GradeRow:
    return GradeRow(
        student.id if student else None, extra.pop("subject", "Quiz"), score, max_score, external_id, **extra
    )


async def test_bad_rows_are_reported_by_index_and_good_rows_land(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    alice, bob, _ = roster["students"]
    rows = [
        row(alice, "q1", 7.0, graded_on=date(2026, 3, 1)),
        row(bob, "q2", -1.0),
        row(bob, "q3", 11.0),
        row(bob, "q4", math.nan),
        row(bob, "q5", math.inf),
        row(roster["outsider"], "q6"),
        row(None, "q7"),
        row(bob, "q8", 3.0, 0.0),
        row(bob, "q1", 1.0),
        row(bob, " ", subject=""),
        row(bob, "q9", 10.0),
    ]

    report = await grades.record_grades(session, roster["instructor"], roster["class"].id, rows, now)
    await session.commit()

    assert errors_of(report) == [
        (["rows", "1", "score"], "INVALID"),
        (["rows", "2", "score"], "INVALID"),
        (["rows", "3", "score"], "INVALID"),
        (["rows", "4", "score"], "INVALID"),
        (["rows", "5", "studentId"], "NOT_FOUND"),
        (["rows", "6", "studentId"], "NOT_FOUND"),
        (["rows", "7", "maxScore"], "INVALID"),
        (["rows", "8", "externalId"], "DUPLICATE"),
        (["rows", "9", "subject"], "INVALID"),
        (["rows", "9", "externalId"], "INVALID"),
    ]
    assert report.recorded == 2
    stored = await all_grades(session)
    assert [(g.external_id, g.user_id, g.score, g.class_id) for g in stored] == [
        ("q1", alice.id, 7.0, roster["class"].id),
        ("q9", bob.id, 10.0, roster["class"].id),
    ]
    assert stored[0].graded_at == datetime(2026, 3, 1, tzinfo=UTC)
    assert stored[1].graded_at == now  # no date: today
    assert stale_scopes(session) == {f"class:{roster['class'].id}", f"student:{alice.id}", f"student:{bob.id}"}


async def test_sending_an_external_id_again_updates_its_grade(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    alice, bob, _ = roster["students"]
    await grades.record_grades(session, roster["instructor"], roster["class"].id, [row(alice, "q1", 4.0)], now)

    report = await grades.record_grades(
        session, roster["instructor"], roster["class"].id, [row(alice, "q1", 9.0), row(bob, "q1", 5.0)], now
    )

    assert errors_of(report) == [(["rows", "1", "externalId"], "DUPLICATE")]
    second = await grades.record_grades(session, roster["instructor"], roster["class"].id, [row(bob, "q1", 5.0)], now)
    assert errors_of(second) == [(["rows", "0", "externalId"], "EXTERNAL_ID_TAKEN")]
    assert second.recorded == 0
    assert [(g.external_id, g.user_id, g.score) for g in await all_grades(session)] == [("q1", alice.id, 9.0)]


async def test_only_the_classes_instructor_records_grades(
    session: AsyncSession, settings: Settings, roster: dict[str, Any], now: datetime
) -> None:
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    alice = roster["students"][0]

    for viewer, class_id in [(other, roster["class"].id), (alice, roster["class"].id), (roster["instructor"], 4242)]:
        with pytest.raises(Forbidden):
            await grades.record_grades(session, viewer, class_id, [row(alice, "x")], now)
    assert await all_grades(session) == []


async def test_five_thousand_rows_land_in_a_few_statements(
    session: AsyncSession, engine: AsyncEngine, roster: dict[str, Any], now: datetime
) -> None:
    students = roster["students"]
    rows = [row(students[i % 3], f"ext-{i}", float(i % 11), 10.0) for i in range(5000)]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        report = await grades.record_grades(session, roster["instructor"], roster["class"].id, rows, now)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    await session.commit()

    assert report.errors == []
    assert report.recorded == 5000
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 5000 // grades.CHUNK_ROWS
    assert len(statements) <= len(inserts) + 3  # + the access check and the member list
    total = await session.execute(select(func.count()).select_from(Grade))
    assert total.scalar_one() == 5000


async def test_more_than_five_thousand_rows_are_refused_whole(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    rows = [row(roster["students"][0], f"ext-{i}") for i in range(grades.MAX_ROWS + 1)]

    with pytest.raises(Invalid) as refused:
        await grades.record_grades(session, roster["instructor"], roster["class"].id, rows, now)

    assert (refused.value.field, refused.value.code) == (["rows"], "INVALID")
    assert await all_grades(session) == []


async def test_concurrent_batches_with_the_same_external_ids_store_each_grade_once(
    engine: AsyncEngine, roster: dict[str, Any], now: datetime
) -> None:
    students = roster["students"]
    rows = [row(students[i % 3], f"ext-{i}", float(i % 10), 10.0) for i in range(300)]

    async def send(batch: list[GradeRow]) -> grades.RecordReport:
        async with session_factory(engine, write=True)() as session:
            report = await grades.record_grades(session, roster["instructor"], roster["class"].id, batch, now)
            await session.commit()
            return report

    reports = await asyncio.gather(send(rows), send(list(reversed(rows))), send(rows))

    assert [(r.recorded, r.errors) for r in reports] == [(300, [])] * 3
    async with engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(Grade))).scalar_one() == 300
