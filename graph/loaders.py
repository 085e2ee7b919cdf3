"""One DataLoader per batched lookup, built fresh for every request; values come back in key order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from domain import policies
from domain.classes import membership
from domain.content import catalog, counts
from domain.content.catalog import LearningStats, LessonPageKey, OptionRow, ProblemRow
from domain.jobs import records as jobs
from domain.models import (
    Answer,
    Class,
    Course,
    Job,
    Lesson,
    LessonProgress,
    Problem,
    ReviewCard,
    ReviewLog,
    Submission,
    Topic,
    TutorMessage,
    User,
)
from domain.reviews import history as reviews
from domain.tutor import threads

if TYPE_CHECKING:
    from graph.context import Context

K = TypeVar("K")
V = TypeVar("V")


class BatchLoader(DataLoader[K, V], Generic[K, V]):
    """Runs `fetch(session, keys)` under the request's session lock and orders the result by key."""

    def __init__(
        self,
        context: Context,
        fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Mapping[K, V]]],
        missing: Callable[[], V],
    ) -> None:
        super().__init__(batch=context.settings.dataloader_batching)
        self._context = context
        self._fetch = fetch
        self._missing = missing

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        async with self._context.db() as session:
            found = await self._fetch(session, keys)
        return [found[key] if key in found else self._missing() for key in keys]


class ProblemsByLessonLoader(DataLoader[int, list[ProblemRow]]):
    """Published problems per lesson; staff also see drafts. The viewer is looked up before the lock."""

    def __init__(self, context: Context) -> None:
        super().__init__(batch=context.settings.dataloader_batching)
        self._context = context
        # Lesson.problems' objects per lesson, made once per request: a lesson reached a thousand
        # times (`problems { lesson { problems } }`) would otherwise convert its rows a thousand times.
        self.objects: dict[int, list[Any]] = {}

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[ProblemRow]]:
        drafts = policies.can_see_drafts(await self._context.viewer())
        async with self._context.db() as session:
            found = await catalog.problem_rows_by_lesson(session, keys, include_drafts=drafts)
        return [found.get(key, []) for key in keys]


def _none() -> None:
    return None


def _by_id(
    model: type,
) -> Callable[[AsyncSession, Sequence[int]], Awaitable[Mapping[int, object]]]:
    async def fetch(session: AsyncSession, keys: Sequence[int]) -> Mapping[int, object]:
        return await catalog.rows_by_id(session, model, keys)

    return fetch


class Loaders:
    """The request's loaders, created on first use."""

    def __init__(self, context: Context) -> None:
        self._context = context

    def _viewer_key(self) -> int:
        viewer_id = self._context.viewer_id
        assert viewer_id is not None, "viewer loaders need an authenticated viewer"
        return viewer_id

    @cached_property
    def user_by_id(self) -> DataLoader[int, User | None]:
        return BatchLoader(self._context, _by_id(User), _none)  # type: ignore[arg-type]

    @cached_property
    def course_by_id(self) -> DataLoader[int, Course | None]:
        return BatchLoader(self._context, _by_id(Course), _none)  # type: ignore[arg-type]

    @cached_property
    def lesson_by_id(self) -> DataLoader[int, Lesson | None]:
        return BatchLoader(self._context, _by_id(Lesson), _none)  # type: ignore[arg-type]

    @cached_property
    def problem_by_id(self) -> DataLoader[int, Problem | None]:
        return BatchLoader(self._context, _by_id(Problem), _none)  # type: ignore[arg-type]

    @cached_property
    def topic_by_id(self) -> DataLoader[int, Topic | None]:
        return BatchLoader(self._context, _by_id(Topic), _none)  # type: ignore[arg-type]

    @cached_property
    def submission_by_id(self) -> DataLoader[int, Submission | None]:
        return BatchLoader(self._context, _by_id(Submission), _none)  # type: ignore[arg-type]

    @cached_property
    def lesson_page_by_course(self) -> DataLoader[LessonPageKey, list[Lesson]]:
        return BatchLoader(self._context, catalog.lesson_pages, list)

    @cached_property
    def problems_by_lesson(self) -> ProblemsByLessonLoader:
        return ProblemsByLessonLoader(self._context)

    @cached_property
    def options_by_problem(self) -> DataLoader[int, list[OptionRow]]:
        return BatchLoader(self._context, catalog.option_rows_by_problem, list)

    @cached_property
    def topics_by_problem(self) -> DataLoader[int, list[Topic]]:
        return BatchLoader(self._context, catalog.topics_by_problem, list)

    @cached_property
    def topics_by_parent(self) -> DataLoader[int | None, list[Topic]]:
        return BatchLoader(self._context, catalog.topics_by_parent, list)

    @cached_property
    def answers_by_submission(self) -> DataLoader[int, list[Answer]]:
        return BatchLoader(self._context, catalog.answers_by_submission, list)

    @cached_property
    def viewer_progress_by_lesson(self) -> DataLoader[int, LessonProgress | None]:
        async def fetch(session: AsyncSession, keys: Sequence[int]) -> Mapping[int, LessonProgress]:
            return await catalog.lesson_progress(session, self._viewer_key(), keys)

        return BatchLoader(self._context, fetch, _none)

    @cached_property
    def viewer_answered_problem(self) -> DataLoader[int, bool]:
        async def fetch(session: AsyncSession, keys: Sequence[int]) -> Mapping[int, bool]:
            answered = await catalog.answered_problems(session, self._viewer_key(), keys)
            return {key: key in answered for key in keys}

        return BatchLoader(self._context, fetch, bool)

    @cached_property
    def stats_by_user(self) -> DataLoader[int, LearningStats]:
        return BatchLoader(self._context, catalog.learning_stats, lambda: LearningStats(0, 0, 0))

    @cached_property
    def review_card_by_id(self) -> DataLoader[int, ReviewCard | None]:
        return BatchLoader(self._context, _by_id(ReviewCard), _none)  # type: ignore[arg-type]

    # classes and grades
    @cached_property
    def class_by_id(self) -> DataLoader[int, Class | None]:
        return BatchLoader(self._context, _by_id(Class), _none)  # type: ignore[arg-type]

    @cached_property
    def viewer_in_class(self) -> DataLoader[int, bool]:
        async def fetch(session: AsyncSession, keys: Sequence[int]) -> Mapping[int, bool]:
            joined = await membership.member_visibility(session, self._viewer_key(), keys)
            return {key: key in joined for key in keys}

        return BatchLoader(self._context, fetch, bool)

    @cached_property
    def course_ids_by_class(self) -> DataLoader[int, list[int]]:
        return BatchLoader(self._context, membership.course_ids_by_class, list)

    @cached_property
    def student_count_by_class(self) -> DataLoader[int, int]:
        return BatchLoader(self._context, membership.student_counts, int)

    @cached_property
    def student_page_by_class(self) -> DataLoader[membership.StudentPageKey, list[User]]:
        return BatchLoader(self._context, membership.student_pages, list)

    # jobs
    @cached_property
    def job_by_id(self) -> DataLoader[int, Job | None]:
        return BatchLoader(self._context, jobs.jobs_by_id, _none)

    # history lists and counts nested in other objects
    @cached_property
    def review_page_by_card(self) -> DataLoader[reviews.ReviewPageKey, list[ReviewLog]]:
        return BatchLoader(self._context, reviews.review_pages, list)

    @cached_property
    def review_count_by_card(self) -> DataLoader[int, int]:
        return BatchLoader(self._context, reviews.review_counts, int)

    @cached_property
    def message_page_by_thread(self) -> DataLoader[threads.MessagePageKey, list[TutorMessage]]:
        return BatchLoader(self._context, threads.message_pages, list)

    @cached_property
    def message_count_by_thread(self) -> DataLoader[int, int]:
        return BatchLoader(self._context, threads.message_counts, int)

    @cached_property
    def lesson_count_by_course(self) -> DataLoader[counts.LessonCountKey, int]:
        return BatchLoader(self._context, counts.lesson_counts, int)
