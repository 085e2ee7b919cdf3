"""Answer analysis over learners' first answers: picks per option and ability quartile, frequent
wrong texts, median time and the flags, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics import responses
from domain.analytics.rules import AnswerFlag, answer_flags, pearson
from domain.learning.answer_checks import AnswerInput
from domain.learning.submissions import SubmissionRequest, submit
from domain.models import Option, Problem, ProblemKind, User
from domain.settings import Settings
from tests.factories import CourseFixture, make_course, make_user

KINDS = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC, ProblemKind.SHORT_TEXT)
WEAK_TEXTS = ("Promise", " promise.", "PROMISE", "callback")


def _problems(fixture: CourseFixture) -> tuple[Problem, Problem, Problem, list[Option]]:
    single, numeric, short = fixture.problems[fixture.lessons[0].id]  # type: ignore[index]
    return single, numeric, short, fixture.options[single.id]  # type: ignore[index]


async def _answer(
    session: AsyncSession, learner: User, fixture: CourseFixture, key: str, option: Option, *, strong: bool, ms: int
) -> None:
    single, numeric, short, _ = _problems(fixture)
    weak_text = WEAK_TEXTS[(learner.id or 0) % len(WEAK_TEXTS)]
    answers = (
        AnswerInput(single.id, option_ids=(option.id,), duration_ms=ms),  # type: ignore[arg-type]
        AnswerInput(numeric.id, number=42.0 if strong else 1.0, duration_ms=ms),  # type: ignore[arg-type]
        AnswerInput(short.id, text="DataLoader" if strong else weak_text, duration_ms=ms),  # type: ignore[arg-type]
    )
    await submit(session, learner, SubmissionRequest(key, answers, lesson_id=fixture.lessons[0].id), learner.created_at)


@pytest.fixture
async def cohort(session: AsyncSession, settings: Settings, now: datetime) -> CourseFixture:
    """Eight learners: the four weak ones pick the key of the choice problem and miss the others, the
    four strong ones pick distractor 1 and get the others right. Learner i reports (i + 1) seconds."""
    fixture = await make_course(session, now, kinds=KINDS)
    options = _problems(fixture)[3]
    learners = [await make_user(session, settings, now) for _ in range(8)]
    for index, learner in enumerate(learners):
        strong = index >= 4
        option = options[1] if strong else options[0]
        await _answer(session, learner, fixture, f"first-{index}", option, strong=strong, ms=(index + 1) * 1000)
    # a retry is not a first answer: it changes nothing below
    await _answer(session, learners[0], fixture, "retry", options[2], strong=True, ms=60_000)
    await session.commit()
    return fixture


async def test_choice_picks_are_counted_per_option_and_quartile_from_first_answers(
    session: AsyncSession, cohort: CourseFixture
) -> None:
    single, _, _, options = _problems(cohort)

    analysis = (await responses.analyse(session, [single.id]))[single.id]  # type: ignore[list-item,index]

    assert analysis.learners == 8
    assert analysis.learners_by_quartile == (2, 2, 2, 2)
    assert [(o.option_id, o.correct, o.picks, o.picks_by_quartile) for o in analysis.options] == [
        (options[0].id, True, 4, (2, 2, 0, 0)),
        (options[1].id, False, 4, (0, 0, 2, 2)),
        (options[2].id, False, 0, (0, 0, 0, 0)),
        (options[3].id, False, 0, (0, 0, 0, 0)),
    ]
    assert analysis.facility_index == 0.5
    assert analysis.discrimination_index == pytest.approx(-1.0)
    assert [o.rejected_by_high_scorers for o in analysis.options] == [True, False, False, False]
    assert analysis.flags == [
        AnswerFlag.NEGATIVE_DISCRIMINATION,
        AnswerFlag.UNUSED_DISTRACTOR,
        AnswerFlag.KEY_REJECTED_BY_HIGH_SCORERS,
    ]


async def test_wrong_short_texts_are_merged_by_their_normalised_form(
    session: AsyncSession, cohort: CourseFixture
) -> None:
    _, _, short, _ = _problems(cohort)

    analysis = (await responses.analyse(session, [short.id]))[short.id]  # type: ignore[list-item,index]

    assert sum(answer.count for answer in analysis.wrong_answers) == 4
    assert {answer.text for answer in analysis.wrong_answers} <= {"promise", "callback"}
    assert analysis.wrong_answers[0].count >= analysis.wrong_answers[-1].count
    assert analysis.options == []
    assert analysis.flags == []  # the strong learners all get it right: no variance of the rest, no flag


async def test_median_time_is_taken_over_reported_durations(session: AsyncSession, cohort: CourseFixture) -> None:
    single, numeric, short, _ = _problems(cohort)

    analyses = await responses.analyse(session, [single.id, numeric.id, short.id])  # type: ignore[list-item]

    assert [a.median_duration_ms for a in analyses.values()] == [4500.0, 4500.0, 4500.0]
    assert [a.timed_answers for a in analyses.values()] == [8, 8, 8]


async def test_a_problem_nobody_answered_has_an_empty_analysis(session: AsyncSession, now: datetime) -> None:
    fixture = await make_course(session, now, kinds=KINDS)
    single, _, _, options = _problems(fixture)
    await session.commit()

    analysis = (await responses.analyse(session, [single.id]))[single.id]  # type: ignore[list-item,index]

    assert (analysis.learners, analysis.facility_index, analysis.median_duration_ms, analysis.flags) == (
        0,
        None,
        None,
        [],
    )
    assert [o.picks for o in analysis.options] == [0] * len(options)


def test_flags_wait_for_enough_learners() -> None:
    assert answer_flags(4, -0.5, 2, 1) == []
    assert answer_flags(5, 0.1, 0, 0) == [AnswerFlag.LOW_DISCRIMINATION]
    assert answer_flags(5, 0.3, 0, 0) == []


def test_pearson_is_none_when_a_side_does_not_vary() -> None:
    assert pearson(3, 3.0, 1.0, 3.0, 1.0, 1.0) is None
    assert pearson(2, 1.0, 1.0, 1.0, 1.0, 1.0) == pytest.approx(1.0)
