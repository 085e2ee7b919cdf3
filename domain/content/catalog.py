"""Batched reads of content and learning records, one statement per call; the loaders wrap these.

Every function takes a whole batch of keys, so a GraphQL query costs a number of statements bounded
by its depth, never by the length of its lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from domain.infra.reads import KeyedRead, KeyFilter, Query
from domain.models import (
    Answer,
    Course,
    Lesson,
    LessonProgress,
    Option,
    Problem,
    ProblemStatus,
    ProblemTopic,
    Submission,
    SubmissionStatus,
    Topic,
    User,
)

M = TypeVar("M", bound=SQLModel)


async def rows_by_id(session: AsyncSession, model: type[M], ids: Sequence[int]) -> dict[int, M]:
    if not ids:
        return {}
    key = getattr(model, "id")  # noqa: B009  (every table here has an integer id)
    result = await session.execute(select(model).where(key.in_(set(ids))))
    return {row.id: row for row in result.scalars()}  # type: ignore[attr-defined]


async def users_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, User]:
    return await rows_by_id(session, User, ids)


LessonCursor = tuple[int, int, int]  # (course_id, position, id): lessons are ordered by it


@dataclass(frozen=True)
class LessonPageKey:
    """A page of one course's lessons after a cursor, at most `first` (+1 to tell whether more exist)."""

    course_id: int
    first: int
    after: LessonCursor | None
    include_unpublished: bool


async def courses_page(session: AsyncSession, first: int, after: int | None) -> list[Course]:
    query = select(Course).order_by(col(Course.id)).limit(first + 1)
    if after is not None:
        query = query.where(col(Course.id) > after)
    return list((await session.execute(query)).scalars())


def _lesson_filters(after: LessonCursor | None, include_unpublished: bool) -> list[Any]:
    filters: list[Any] = []
    if not include_unpublished:
        filters.append(col(Lesson.published).is_(True))
    if after is not None:
        course_id, position, lesson_id = after
        filters.append(
            or_(
                col(Lesson.course_id) > course_id,
                and_(col(Lesson.course_id) == course_id, col(Lesson.position) > position),
                and_(
                    col(Lesson.course_id) == course_id,
                    col(Lesson.position) == position,
                    col(Lesson.id) > lesson_id,
                ),
            )
        )
    return filters


LESSON_ORDER = (col(Lesson.course_id), col(Lesson.position), col(Lesson.id))


async def lessons_page(
    session: AsyncSession,
    course_id: int | None,
    first: int,
    after: LessonCursor | None,
    include_unpublished: bool,
) -> list[Lesson]:
    query = select(Lesson).where(*_lesson_filters(after, include_unpublished))
    if course_id is not None:
        query = query.where(col(Lesson.course_id) == course_id)
    return list((await session.execute(query.order_by(*LESSON_ORDER).limit(first + 1))).scalars())


async def lesson_pages(session: AsyncSession, keys: Sequence[LessonPageKey]) -> dict[LessonPageKey, list[Lesson]]:
    """Pages of lessons for many courses, numbered per course with a window function: one statement
    per distinct (cursor, visibility) in the batch, which is one for a plain nested query."""
    groups: dict[tuple[LessonCursor | None, bool], list[LessonPageKey]] = defaultdict(list)
    for key in keys:
        groups[(key.after, key.include_unpublished)].append(key)
    pages: dict[LessonPageKey, list[Lesson]] = {}
    for (after, include_unpublished), group in groups.items():
        ranked = (
            select(
                Lesson,
                func.row_number().over(partition_by=col(Lesson.course_id), order_by=LESSON_ORDER[1:]).label("rank"),
            )
            .where(
                col(Lesson.course_id).in_({key.course_id for key in group}),
                *_lesson_filters(after, include_unpublished),
            )
            .subquery()
        )
        limit = max(key.first for key in group) + 1
        query = select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.course_id, ranked.c.rank)
        by_course: dict[int, list[Lesson]] = defaultdict(list)
        for row in (await session.execute(query)).mappings():
            lesson = Lesson.model_validate({name: row[name] for name in Lesson.model_fields})
            by_course[lesson.course_id].append(lesson)
        for key in group:
            pages[key] = by_course[key.course_id][: key.first + 1]
    return pages


async def problems_by_lesson(
    session: AsyncSession, lesson_ids: Sequence[int], include_drafts: bool
) -> dict[int, list[Problem]]:
    query = select(Problem).where(col(Problem.lesson_id).in_(set(lesson_ids)))
    if not include_drafts:
        query = query.where(col(Problem.status) == ProblemStatus.PUBLISHED.value)
    grouped: dict[int, list[Problem]] = defaultdict(list)
    for problem in (await session.execute(query.order_by(col(Problem.position), col(Problem.id)))).scalars():
        grouped[problem.lesson_id].append(problem)
    return grouped


class ProblemRow(Protocol):
    """The columns of a problem that listing it needs (answers and explanations load on their own)."""

    id: int
    lesson_id: int
    kind: str
    status: str
    prompt: str
    difficulty: int
    position: int
    external_id: str | None


class OptionRow(Protocol):
    id: int
    problem_id: int
    text: str
    correct: bool
    position: int


PROBLEM_ROW = tuple(
    col(c) for c in (Problem.id, Problem.lesson_id, Problem.kind, Problem.status, Problem.prompt, Problem.difficulty)
) + (col(Problem.position), col(Problem.external_id))
OPTION_ROW = (col(Option.id), col(Option.problem_id), col(Option.text), col(Option.correct), col(Option.position))


def _published_problems(columns: tuple[Any, ...]) -> Callable[[KeyFilter], Query]:
    """The published problems of the lessons matched, in their order, read as `columns`."""

    def build(match: KeyFilter) -> Query:
        return (
            select(*columns)
            .where(match(col(Problem.lesson_id)), col(Problem.status) == ProblemStatus.PUBLISHED.value)
            .order_by(col(Problem.position), col(Problem.id))
        )

    return build


def _all_problems(match: KeyFilter) -> Query:
    return select(*PROBLEM_ROW).where(match(col(Problem.lesson_id))).order_by(col(Problem.position), col(Problem.id))


def _options(match: KeyFilter) -> Query:
    return (
        select(*OPTION_ROW)
        .where(match(col(Option.problem_id)))
        .order_by(col(Option.problem_id), col(Option.position), col(Option.id))
    )


class AnswerableProblem(Protocol):
    """What checking, grading and rewarding an answer read of its problem; an ORM `Problem` has it too."""

    @property
    def id(self) -> int | None: ...
    @property
    def lesson_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def difficulty(self) -> int: ...
    @property
    def numeric_answer(self) -> float | None: ...
    @property
    def tolerance(self) -> float: ...
    @property
    def accepted_answers(self) -> list[str]: ...


class AnswerableOption(Protocol):
    """What checking and grading a choice read of an option; an ORM `Option` and an OptionRow have it."""

    @property
    def id(self) -> int | None: ...
    @property
    def correct(self) -> bool: ...


ANSWERABLE_ROW = tuple(
    col(c)
    for c in (Problem.id, Problem.lesson_id, Problem.kind, Problem.status, Problem.difficulty, Problem.numeric_answer)
) + (col(Problem.tolerance), col(Problem.accepted_answers))


def _answerable_by_id(match: KeyFilter) -> Query:
    return select(*ANSWERABLE_ROW).where(match(col(Problem.id)))


# The listing reads of every lesson page: on the driver's connection (domain/infra/reads.py).
PUBLISHED_PROBLEM_ROWS = KeyedRead(_published_problems(PROBLEM_ROW))
PROBLEM_ROWS = KeyedRead(_all_problems)
OPTION_ROWS = KeyedRead(_options)
# What a submission grades: the published problems of a lesson, or one problem, with their answer keys.
ANSWERABLE_BY_LESSON = KeyedRead(_published_problems(ANSWERABLE_ROW))
ANSWERABLE_BY_ID = KeyedRead(_answerable_by_id)


async def answerable_problems(session: AsyncSession, lesson_id: int) -> list[AnswerableProblem]:
    """The published problems of a lesson in their order, as rows with what grading needs."""
    rows: list[AnswerableProblem] = await ANSWERABLE_BY_LESSON.rows(session, [lesson_id])
    return rows


async def answerable_problem(session: AsyncSession, problem_id: int) -> AnswerableProblem | None:
    """One problem (of any status: the caller applies policies.can_answer_problem) with what grading needs."""
    rows: list[AnswerableProblem] = await ANSWERABLE_BY_ID.rows(session, [problem_id])
    return rows[0] if rows else None


async def problem_rows_by_lesson(
    session: AsyncSession, lesson_ids: Sequence[int], include_drafts: bool
) -> dict[int, list[ProblemRow]]:
    """Like problems_by_lesson, as plain rows of the listing columns: no ORM objects to build."""
    read = PROBLEM_ROWS if include_drafts else PUBLISHED_PROBLEM_ROWS
    grouped: dict[int, list[ProblemRow]] = defaultdict(list)
    for row in await read.rows(session, sorted(set(lesson_ids))):
        grouped[row.lesson_id].append(row)
    return grouped


async def option_rows_by_problem(session: AsyncSession, problem_ids: Sequence[int]) -> dict[int, list[OptionRow]]:
    grouped: dict[int, list[OptionRow]] = defaultdict(list)
    for row in await OPTION_ROWS.rows(session, sorted(set(problem_ids))):
        grouped[row.problem_id].append(row)
    return grouped


async def options_by_problem(session: AsyncSession, problem_ids: Sequence[int]) -> dict[int, list[Option]]:
    query = (
        select(Option)
        .where(col(Option.problem_id).in_(set(problem_ids)))
        .order_by(col(Option.problem_id), col(Option.position), col(Option.id))
    )
    grouped: dict[int, list[Option]] = defaultdict(list)
    for option in (await session.execute(query)).scalars():
        grouped[option.problem_id].append(option)
    return grouped


async def topics_by_problem(session: AsyncSession, problem_ids: Sequence[int]) -> dict[int, list[Topic]]:
    query = (
        select(col(ProblemTopic.problem_id), Topic)
        .join(Topic, col(Topic.id) == col(ProblemTopic.topic_id))
        .where(col(ProblemTopic.problem_id).in_(set(problem_ids)))
        .order_by(col(Topic.path))
    )
    grouped: dict[int, list[Topic]] = defaultdict(list)
    for problem_id, topic in await session.execute(query):
        grouped[problem_id].append(topic)
    return grouped


async def topics_by_parent(session: AsyncSession, parent_ids: Sequence[int | None]) -> dict[int | None, list[Topic]]:
    wanted = [parent for parent in parent_ids if parent is not None]
    conditions = [col(Topic.parent_id).in_(wanted)] if wanted else []
    if None in parent_ids:
        conditions.append(col(Topic.parent_id).is_(None))
    grouped: dict[int | None, list[Topic]] = defaultdict(list)
    if not conditions:
        return grouped
    query = select(Topic).where(or_(*conditions)).order_by(col(Topic.path))
    for topic in (await session.execute(query)).scalars():
        grouped[topic.parent_id].append(topic)
    return grouped


async def lesson_progress(session: AsyncSession, user_id: int, lesson_ids: Sequence[int]) -> dict[int, LessonProgress]:
    query = select(LessonProgress).where(
        col(LessonProgress.user_id) == user_id,
        col(LessonProgress.lesson_id).in_(set(lesson_ids)),
    )
    return {progress.lesson_id: progress for progress in (await session.execute(query)).scalars()}


async def answered_problems(
    session: AsyncSession, user_id: int, problem_ids: Iterable[int], *, before_submission: int | None = None
) -> set[int]:
    """Which of these problems the user has answered at least once (then solutions may be shown); with
    `before_submission`, in a submission older than that one.

    Per problem the user's first submission answering it, `min(submission_id)`, which the (user,
    problem, submission) index answers by reading one entry: the cost does not grow with how often
    the learner answered. A DISTINCT over their answers read every one of them on each submission
    (143,000 rows, 56 ms for a learner with 7,000 submissions of a lesson); an EXISTS let the planner
    pick a bitmap scan that still read all of them (5.7 ms)."""
    ids = set(problem_ids)
    if not ids:
        return set()
    first = (
        select(func.min(col(Answer.submission_id)))
        .where(col(Answer.user_id) == user_id, col(Answer.problem_id) == col(Problem.id))
        .scalar_subquery()
    )
    answered = first.is_not(None) if before_submission is None else first < before_submission
    query = select(col(Problem.id)).where(col(Problem.id).in_(ids), answered)
    return {problem_id for problem_id in (await session.execute(query)).scalars() if problem_id is not None}


async def answers_by_submission(session: AsyncSession, submission_ids: Sequence[int]) -> dict[int, list[Answer]]:
    query = select(Answer).where(col(Answer.submission_id).in_(set(submission_ids))).order_by(col(Answer.id))
    grouped: dict[int, list[Answer]] = defaultdict(list)
    for answer in (await session.execute(query)).scalars():
        grouped[answer.submission_id].append(answer)
    return grouped


@dataclass(frozen=True)
class LearningStats:
    lessons_completed: int
    answers_graded: int
    answers_correct: int

    @property
    def accuracy(self) -> float | None:
        return self.answers_correct / self.answers_graded if self.answers_graded else None


async def learning_stats(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, LearningStats]:
    ids = set(user_ids)
    completed_query = (
        select(col(LessonProgress.user_id), func.count())
        .where(
            col(LessonProgress.user_id).in_(ids),
            col(LessonProgress.completed).is_(True),
        )
        .group_by(col(LessonProgress.user_id))
    )
    answers_query = (
        select(
            col(Answer.user_id),
            func.count(),
            func.coalesce(func.sum(case((col(Answer.correct).is_(True), 1), else_=0)), 0),
        )
        .where(
            col(Answer.user_id).in_(ids),
            col(Answer.status) == SubmissionStatus.GRADED.value,
        )
        .group_by(col(Answer.user_id))
    )
    completed = dict((await session.execute(completed_query)).all())
    answered = {user: (count, correct) for user, count, correct in (await session.execute(answers_query))}
    return {user: LearningStats(completed.get(user, 0), *answered.get(user, (0, 0))) for user in ids}


async def submission_for_key(session: AsyncSession, user_id: int, idempotency_key: str) -> Submission | None:
    query = select(Submission).where(
        col(Submission.user_id) == user_id,
        col(Submission.idempotency_key) == idempotency_key,
    )
    return (await session.execute(query)).scalar_one_or_none()
