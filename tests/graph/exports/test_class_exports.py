"""GET /exports/classes/{classId}/gradebook.csv and items.csv: content, and who may download them."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Answer, Grade, Lesson, Problem, ProblemKind, Role, User
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_class, make_course, make_submission, make_user
from tests.graph.conftest import Api


async def _attempt(
    session: AsyncSession, user: User, lesson: Lesson, scores: list[tuple[Problem, float]], at: datetime
) -> None:
    """A graded lesson submission with one answer per problem and its grade, as grading writes them."""
    submission = await make_submission(session, user, at, lesson=lesson)
    total = sum(score for _, score in scores)
    submission.score, submission.max_score = total, float(len(scores))
    for problem, score in scores:
        session.add(
            Answer(
                submission_id=submission.id,  # type: ignore[arg-type]
                user_id=user.id,  # type: ignore[arg-type]
                problem_id=problem.id,  # type: ignore[arg-type]
                score=score,
                correct=score == 1.0,
            )
        )
    session.add(
        Grade(
            user_id=user.id,  # type: ignore[arg-type]
            lesson_id=lesson.id,
            submission_id=submission.id,
            score=total,
            max_score=float(len(scores)),
            graded_at=at,
            updated_at=at,
        )
    )
    await session.flush()


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_gradebook_has_a_row_per_student_with_the_best_grade_of_each_lesson(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    ann = await make_user(session, settings, now)
    ann.display_name = "Ann"
    formula = await make_user(session, settings, now)
    formula.display_name = "=HYPERLINK(evil)"
    built = await make_course(session, now, lessons=2, kinds=(ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC))
    first, second = built.lessons
    p1, p2 = built.problems[first.id]  # type: ignore[index]
    class_ = await make_class(session, teacher, now, courses=(built.course,), students=(ann, formula))
    await _attempt(session, ann, first, [(p1, 1.0), (p2, 0.0)], now)
    await _attempt(session, ann, first, [(p1, 1.0), (p2, 1.0)], now + timedelta(minutes=5))
    await _attempt(session, formula, first, [(p1, 0.0), (p2, 0.5)], now)
    await session.commit()

    response = await api.http.get(
        f"/exports/classes/{encode('Class', class_.id)}/gradebook.csv", headers=_bearer(api.token(teacher, now))
    )
    by_problem = await api.http.get(
        f"/exports/classes/{encode('Class', class_.id)}/gradebook.csv?by=problem",
        headers=_bearer(api.token(teacher, now)),
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = _csv(response.text)
    assert rows[0] == [
        "student_id",
        "student",
        f"Lesson 1 ({encode('Lesson', first.id)})",
        f"Lesson 2 ({encode('Lesson', second.id)})",
        "mean",
    ]
    # Sorted by name: "=HYPERLINK" sorts before "Ann"; the formula is neutralised with an apostrophe.
    assert rows[1:] == [
        [encode("User", formula.id), "'=HYPERLINK(evil)", "25.0", "", "25.0"],
        [encode("User", ann.id), "Ann", "100.0", "", "100.0"],
    ]
    problem_rows = _csv(by_problem.text)
    assert problem_rows[0][2:-1] == [
        f"Lesson 1 #1 ({encode('Problem', p1.id)})",
        f"Lesson 1 #2 ({encode('Problem', p2.id)})",
        f"Lesson 2 #1 ({encode('Problem', built.problems[second.id][0].id)})",  # type: ignore[index]
        f"Lesson 2 #2 ({encode('Problem', built.problems[second.id][1].id)})",  # type: ignore[index]
    ]
    assert problem_rows[2][2:] == ["100.0", "100.0", "", "", "100.0"]


async def test_the_item_analysis_lists_facility_discrimination_and_flags(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    kinds = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC, ProblemKind.SHORT_TEXT, ProblemKind.MULTIPLE_CHOICE)
    built = await make_course(session, now, kinds=kinds)
    lesson = built.lessons[0]
    problems = built.problems[lesson.id]  # type: ignore[index]
    # Six students from weakest to strongest; the last problem is got right by the weak ones and
    # wrong by the strong ones (its discrimination is negative: a wrong key, say).
    answers = [[0, 0, 0, 1], [1, 0, 0, 1], [1, 0, 1, 0], [1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 1, 1]]
    students = [await make_user(session, settings, now) for _ in answers]
    class_ = await make_class(session, teacher, now, courses=(built.course,), students=tuple(students))
    for student, row in zip(students, answers, strict=True):
        await _attempt(session, student, lesson, [(p, float(x)) for p, x in zip(problems, row, strict=True)], now)
    await session.commit()

    response = await api.http.get(
        f"/exports/classes/{encode('Class', class_.id)}/items.csv", headers=_bearer(api.token(teacher, now))
    )

    assert response.status_code == 200
    rows = _csv(response.text)
    assert rows[0] == [
        "lesson_id",
        "lesson",
        "problem_id",
        "kind",
        "prompt",
        "attempts",
        "facility_index",
        "standard_deviation",
        "discrimination_index",
        "lesson_cronbach_alpha",
        "flags",
    ]
    assert [row[2] for row in rows[1:]] == [encode("Problem", p.id) for p in problems]
    # facility, discrimination (Pearson r with the rest of the attempt) and flags, per problem
    assert [(row[6], row[8], row[10]) for row in rows[1:]] == [
        ("0.8333", "0.4", ""),
        ("0.5", "0.5774", ""),
        ("0.6667", "0.343", ""),
        ("0.5", "-0.5774", "NEGATIVE_DISCRIMINATION"),
    ]
    assert {row[5] for row in rows[1:]} == {"6"}
    assert rows[1][0:2] == [encode("Lesson", lesson.id), "Lesson 1"]


@pytest.mark.parametrize("export", ["gradebook.csv", "items.csv"])
async def test_class_exports_are_401_without_a_valid_token_and_404_for_those_who_do_not_teach_the_class(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, export: str
) -> None:
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other_teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    student = await make_user(session, settings, now)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    class_ = await make_class(session, teacher, now, students=(student,))
    await session.commit()
    url = f"/exports/classes/{encode('Class', class_.id)}/{export}"

    statuses = [
        (await api.http.get(url)).status_code,
        (await api.http.get(url, headers={"Authorization": "Bearer not-a-token"})).status_code,
        (await api.http.get(url, headers=_bearer(api.token(student, now)))).status_code,
        (await api.http.get(url, headers=_bearer(api.token(other_teacher, now)))).status_code,
        (
            await api.http.get(
                url.replace(encode("Class", class_.id), encode("Class", 999_999)),
                headers=_bearer(api.token(teacher, now)),
            )
        ).status_code,
        (await api.http.get(url, headers=_bearer(api.token(admin, now)))).status_code,
        (await api.http.get(url, headers=_bearer(api.token(teacher, now)))).status_code,
    ]

    assert statuses == [401, 401, 404, 404, 404, 200, 200]
