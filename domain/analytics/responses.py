"""Answer analysis for authors (Moodle's response analysis), for a batch of problems at once.

What counts: each learner's first graded answer to each problem (however it was submitted), so a
learner who retries counts once, with the answer they gave before they could see the solution.
Ability: a learner's mean score (0..1) over their first answers to the problems of the lesson, the
problem itself included; quartiles split the learners who answered the problem by it with NTILE(4)
(1 = lowest, ties broken by user id). Discrimination: Pearson r of the problem's score with the rest of the
learner's lesson score (Moodle's definition, over all learners rather than a class's first attempts).

Everything is aggregated in SQL, a fixed number of statements whatever the number of problems or
answers: per problem the sums, per (problem, option, quartile) the picks, per (problem, wrong text)
the counts, per problem the median time. Python only merges wrong texts that normalise alike and
divides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, and_, case, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics.rules import TOP_QUARTILE, AnswerFlag, answer_flags, key_rejected, pearson
from domain.analytics.sql import ANSWERS, dialect_of, table
from domain.content import catalog
from domain.learning.scoring import normalize_text
from domain.models import Problem, ProblemKind, SubmissionStatus

PROBLEMS = table(Problem)
QUARTILES = 4
MAX_WRONG_ANSWERS = 20  # the most frequent wrong short-text answers kept per problem
WRONG_FORMS_READ = 500  # distinct raw wrong texts read per problem before merging normalised forms
CHOICE_KINDS = {ProblemKind.SINGLE_CHOICE.value, ProblemKind.MULTIPLE_CHOICE.value}


@dataclass(frozen=True)
class OptionPicks:
    option_id: int
    correct: bool
    picks: int
    picks_by_quartile: tuple[int, ...]  # quartile 1 (lowest ability) .. 4
    rejected_by_high_scorers: bool  # a correct option the top quartile mostly leaves out


@dataclass(frozen=True)
class WrongAnswer:
    text: str  # normalised (case, width, spacing and edge punctuation folded), as grading compares
    count: int


@dataclass(frozen=True)
class AnswerAnalysis:
    problem_id: int
    learners: int
    learners_by_quartile: tuple[int, ...]
    facility_index: float | None
    discrimination_index: float | None
    timed_answers: int
    median_duration_ms: float | None
    options: list[OptionPicks]
    wrong_answers: list[WrongAnswer]
    flags: list[AnswerFlag]


def _first_answers(lesson_ids: Sequence[int]) -> Select[Any]:
    """Each learner's first graded answer to each problem of the lessons, with the problem's lesson."""
    in_lessons = select(PROBLEMS.c.id).where(PROBLEMS.c.lesson_id.in_(lesson_ids)).scalar_subquery()
    tried = ANSWERS.alias("tried")  # not the outer `answers`: correlated, this would run once per row
    firsts = (
        select(func.min(tried.c.id))
        .where(tried.c.status == SubmissionStatus.GRADED.value, tried.c.problem_id.in_(in_lessons))
        .group_by(tried.c.user_id, tried.c.problem_id)
    )
    return (
        select(
            ANSWERS.c.id,
            ANSWERS.c.user_id,
            ANSWERS.c.problem_id,
            PROBLEMS.c.lesson_id,
            func.coalesce(ANSWERS.c.score, 0.0).label("x"),
            ANSWERS.c.correct,
            ANSWERS.c.option_ids,
            ANSWERS.c.text,
            ANSWERS.c.duration_ms,
        )
        .select_from(ANSWERS.join(PROBLEMS, PROBLEMS.c.id == ANSWERS.c.problem_id))
        .where(ANSWERS.c.id.in_(firsts))
    )


def _scored(lesson_ids: Sequence[int], problem_ids: Sequence[int]) -> Any:
    """The first answers to `problem_ids`, each with its learner's rest score and ability quartile.
    Window functions only, no join: a learner's lesson total and ability over their first answers to
    the lesson, then the quartile among the learners who answered the same problem."""
    firsts = _first_answers(lesson_ids).subquery("firsts")
    learner = (firsts.c.user_id, firsts.c.lesson_id)
    with_ability = select(
        firsts,
        func.sum(firsts.c.x).over(partition_by=learner).label("total"),
        func.avg(firsts.c.x).over(partition_by=learner).label("ability"),
    ).subquery("with_ability")
    answers = with_ability.c
    return (
        select(
            answers.problem_id,
            answers.user_id,
            answers.x,
            (answers.total - answers.x).label("y"),
            func.ntile(QUARTILES)
            .over(partition_by=answers.problem_id, order_by=(answers.ability, answers.user_id))
            .label("quartile"),
            answers.correct,
            answers.option_ids,
            answers.text,
            answers.duration_ms,
        )
        .where(answers.problem_id.in_(problem_ids))
        .subquery("scored")
    )


def sums_query(scored: Any) -> Select[Any]:
    """Per problem: learners, the sums Pearson r needs, learners and score per quartile."""
    x, y = scored.c.x, scored.c.y
    per_quartile = [func.sum(case((scored.c.quartile == q, 1), else_=0)).label(f"q{q}") for q in range(1, 5)]
    return select(
        scored.c.problem_id,
        func.count().label("n"),
        func.sum(x).label("sx"),
        func.sum(y).label("sy"),
        func.sum(x * x).label("sxx"),
        func.sum(y * y).label("syy"),
        func.sum(x * y).label("sxy"),
        func.sum(case((scored.c.quartile == TOP_QUARTILE, x), else_=0.0)).label("top_x"),
        *per_quartile,
    ).group_by(scored.c.problem_id)


def picks_query(scored: Any, dialect: str) -> Select[Any]:
    """Per (problem, option, quartile): how many learners picked the option (JSON list unnested)."""
    if dialect == "postgresql":
        chosen = func.json_array_elements_text(scored.c.option_ids).table_valued("value").lateral("chosen")
    else:
        chosen = func.json_each(scored.c.option_ids).table_valued("value").alias("chosen")
    option_id = sql_cast(chosen.c.value, Integer)
    return (
        select(scored.c.problem_id, option_id.label("option_id"), scored.c.quartile, func.count().label("picks"))
        .select_from(scored.join(chosen, chosen.c.value.is_not(None)))
        .group_by(scored.c.problem_id, option_id, scored.c.quartile)
    )


def wrong_texts_query(scored: Any) -> Select[Any]:
    """Per problem the WRONG_FORMS_READ most frequent wrong texts (lower-cased and trimmed in SQL)."""
    form = func.lower(func.trim(scored.c.text))
    grouped = (
        select(scored.c.problem_id, form.label("form"), func.count().label("n"))
        .where(scored.c.correct.is_(False), scored.c.text.is_not(None))
        .group_by(scored.c.problem_id, form)
        .subquery("forms")
    )
    ranked = select(
        grouped.c.problem_id,
        grouped.c.form,
        grouped.c.n,
        func.row_number()
        .over(partition_by=grouped.c.problem_id, order_by=(grouped.c.n.desc(), grouped.c.form))
        .label("rank"),
    ).subquery("ranked")
    return select(ranked.c.problem_id, ranked.c.form, ranked.c.n).where(ranked.c.rank <= WRONG_FORMS_READ)


def median_time_query(scored: Any) -> Select[Any]:
    """Per problem the median reported duration: the middle row(s) by ROW_NUMBER, on both databases."""
    timed = (
        select(
            scored.c.problem_id,
            scored.c.duration_ms,
            func.row_number().over(partition_by=scored.c.problem_id, order_by=scored.c.duration_ms).label("rn"),
            func.count().over(partition_by=scored.c.problem_id).label("n"),
        )
        .where(scored.c.duration_ms.is_not(None))
        .subquery("timed")
    )
    middle = and_(timed.c.rn * 2 >= timed.c.n, timed.c.rn * 2 <= timed.c.n + 2)
    return (
        select(timed.c.problem_id, func.avg(timed.c.duration_ms).label("median"), func.max(timed.c.n).label("n"))
        .where(middle)
        .group_by(timed.c.problem_id)
    )


def _merge_wrong(forms: Sequence[tuple[str, int]]) -> list[WrongAnswer]:
    counts: Counter[str] = Counter()
    for form, n in forms:
        normalised = normalize_text(form)
        if normalised:
            counts[normalised] += n
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [WrongAnswer(text, n) for text, n in ranked[:MAX_WRONG_ANSWERS]]


async def analyse(session: AsyncSession, problem_ids: Sequence[int]) -> dict[int, AnswerAnalysis]:
    """The analysis of each existing problem of `problem_ids` (one with no answers has zeros)."""
    problems = await catalog.rows_by_id(session, Problem, problem_ids)
    if not problems:
        return {}
    ids = sorted(problems)
    lesson_ids = sorted({problem.lesson_id for problem in problems.values()})
    options = await catalog.options_by_problem(session, [key for key in ids if problems[key].kind in CHOICE_KINDS])
    scored = _scored(lesson_ids, ids)
    sums = {row.problem_id: row for row in await session.execute(sums_query(scored))}
    picks: dict[tuple[int, int], list[int]] = {}
    if options:
        for row in await session.execute(picks_query(scored, dialect_of(session))):
            picks.setdefault((row.problem_id, row.option_id), [0] * QUARTILES)[row.quartile - 1] += int(row.picks)
    wrong: dict[int, list[tuple[str, int]]] = {}
    if any(problems[key].kind == ProblemKind.SHORT_TEXT.value for key in ids):
        for row in await session.execute(wrong_texts_query(scored)):
            wrong.setdefault(row.problem_id, []).append((row.form, int(row.n)))
    medians = {row.problem_id: row for row in await session.execute(median_time_query(scored))}
    result: dict[int, AnswerAnalysis] = {}
    for key in ids:
        row = sums.get(key)
        n = int(row.n) if row is not None else 0
        by_quartile = tuple(int(getattr(row, f"q{q}")) for q in range(1, 5)) if row is not None else (0,) * QUARTILES
        top = by_quartile[TOP_QUARTILE - 1]
        option_picks = [
            OptionPicks(
                option_id=option.id,
                correct=option.correct,
                picks=sum(counts := picks.get((key, option.id), [0] * QUARTILES)),
                picks_by_quartile=tuple(counts),
                rejected_by_high_scorers=option.correct and key_rejected(top, counts[TOP_QUARTILE - 1]),
            )
            for option in options.get(key, [])
            if option.id is not None
        ]
        discrimination = (
            pearson(n, float(row.sx), float(row.sy), float(row.sxx), float(row.syy), float(row.sxy))
            if row is not None
            else None
        )
        if problems[key].kind in CHOICE_KINDS:
            rejected = sum(option.rejected_by_high_scorers for option in option_picks)
        else:
            rejected = int(row is not None and key_rejected(top, float(row.top_x)))
        unused = sum(1 for option in option_picks if not option.correct and option.picks == 0)
        median = medians.get(key)
        result[key] = AnswerAnalysis(
            problem_id=key,
            learners=n,
            learners_by_quartile=by_quartile,
            facility_index=float(row.sx) / n if row is not None and n else None,
            discrimination_index=discrimination,
            timed_answers=int(median.n) if median is not None else 0,
            median_duration_ms=float(median.median) if median is not None else None,
            options=option_picks,
            wrong_answers=_merge_wrong(wrong.get(key, [])),
            flags=answer_flags(n, discrimination, unused, rejected),
        )
    return result
