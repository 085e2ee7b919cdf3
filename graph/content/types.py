"""Content types: Course, Lesson, Problem, Option, Topic. Related fields go through loaders."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from domain import models as m
from domain import policies
from domain.content.catalog import LessonPageKey, OptionRow, ProblemRow
from domain.content.counts import LessonCountKey
from graph.context import Context
from graph.ids import encode
from graph.nodes import EncodedNode, load_nodes
from graph.pagination import Connection, Cursor, connection, decode_cursor, encode_cursor, page_size
from graph.selection import selects

if TYPE_CHECKING:
    from graph.analytics.responses import AnswerAnalysis
    from graph.learning.types import LessonProgress


@strawberry.enum(description="How a problem is answered and graded.")
class ProblemKind(Enum):
    SINGLE_CHOICE = "SINGLE_CHOICE"
    MULTIPLE_CHOICE = "MULTIPLE_CHOICE"
    NUMERIC = "NUMERIC"
    SHORT_TEXT = "SHORT_TEXT"
    FREE_TEXT = "FREE_TEXT"


@strawberry.enum
class ProblemStatus(Enum):
    PUBLISHED = "PUBLISHED"
    DRAFT = "DRAFT"


@strawberry.type(description="A course: an ordered series of lessons.")
class Course(EncodedNode):
    id: relay.NodeID[int]
    slug: str
    title: str
    description: str

    @classmethod
    def from_model(cls, course: m.Course) -> Course:
        assert course.id is not None
        return cls(
            id=course.id,
            slug=course.slug,
            title=course.title,
            description=course.description,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Course | None]:
        return await load_nodes(info.context.loaders.course_by_id, node_ids, cls.from_model)

    @strawberry.field(description="The course's lessons in order; unpublished ones only for instructors.")
    async def lessons(
        self,
        info: Info[Context, Any],
        first: int | None = None,
        after: Cursor = None,
    ) -> Connection[Lesson]:
        size = page_size(first, info.context.settings.max_page_size)
        cursor = decode_cursor(after, 3)
        drafts = policies.can_see_drafts(await info.context.viewer())
        key = LessonPageKey(self.id, size, cursor, drafts)  # type: ignore[arg-type]
        rows = await info.context.loaders.lesson_page_by_course.load(key)
        counted = LessonCountKey(self.id, drafts)
        total = partial(info.context.loaders.lesson_count_by_course.load, counted)
        return connection(rows, size, after, lesson_cursor, Lesson.from_model, total=total)


def lesson_cursor(lesson: m.Lesson) -> str:
    return encode_cursor(lesson.course_id, lesson.position, lesson.id or 0)


@strawberry.type(description="A lesson: teaching text and the problems that practise it.")
class Lesson(EncodedNode):
    id: relay.NodeID[int]
    title: str
    body: str
    position: int
    published: bool
    course_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, lesson: m.Lesson) -> Lesson:
        assert lesson.id is not None
        return cls(
            id=lesson.id,
            title=lesson.title,
            body=lesson.body,
            position=lesson.position,
            published=lesson.published,
            course_id=lesson.course_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Lesson | None]:
        viewer = await info.context.viewer()
        return await load_nodes(
            info.context.loaders.lesson_by_id,
            node_ids,
            cls.from_model,
            lambda row: policies.can_view_lesson(viewer, row),
        )

    @strawberry.field
    async def course(self, info: Info[Context, Any]) -> Course:
        course = await info.context.loaders.course_by_id.load(self.course_id)
        assert course is not None
        return Course.from_model(course)

    @strawberry.field(description="Published problems in order (instructors also see drafts).")
    async def problems(self, info: Info[Context, Any]) -> list[Problem]:
        loader = info.context.loaders.problems_by_lesson
        problems: list[Problem] | None = loader.objects.get(self.id)
        if problems is None:
            rows = await loader.load(self.id)
            problems = loader.objects.get(self.id)  # converted by a call that resumed first
            if problems is None:
                problems = loader.objects[self.id] = [Problem.from_model(p) for p in rows]
        if problems and problems[0].prefetched_options is None and selects(info, "options"):
            # read ahead, in the batch the loader would make anyway
            loaded = await info.context.loaders.options_by_problem.load_many([p.id for p in problems])
            for problem, options in zip(problems, loaded, strict=True):
                problem.prefetched_options = [Option.from_model(o) for o in options]
        return problems

    @strawberry.field(description="The viewer's progress in this lesson; null when anonymous or not attempted.")
    async def viewer_progress(
        self, info: Info[Context, Any]
    ) -> Annotated[LessonProgress, strawberry.lazy("graph.learning.types")] | None:
        from graph.learning.types import LessonProgress as Progress

        if info.context.viewer_id is None:
            return None
        progress = await info.context.loaders.viewer_progress_by_lesson.load(self.id)
        return Progress.from_model(progress) if progress is not None else None


@strawberry.type(description="One answer option of a choice problem.")
class Option:
    id: strawberry.ID
    text: str
    correct_flag: strawberry.Private[bool]
    problem_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, option: m.Option | OptionRow) -> Option:
        return cls(
            id=encode("Option", option.id),
            text=option.text,
            correct_flag=option.correct,
            problem_id=option.problem_id,
        )

    @strawberry.field(description="Whether this option is correct; null until the viewer has answered the problem.")
    async def correct(self, info: Info[Context, Any]) -> bool | None:
        return self.correct_flag if await solution_visible(info, self.problem_id) else None


async def solution_visible(info: Info[Context, Any], problem_id: int) -> bool:
    """policies.can_see_answer_key; whether the viewer answered is looked up only when it decides."""
    viewer = await info.context.viewer()
    if viewer is None:  # has answered nothing (and the lookup needs a viewer)
        return policies.can_see_answer_key(None, answered=False)
    if policies.can_see_answer_key(viewer, answered=False):  # staff
        return True
    answered = await info.context.loaders.viewer_answered_problem.load(problem_id)
    return policies.can_see_answer_key(viewer, answered=answered)


@strawberry.type(description="The correct answer of a problem, shown once the viewer has answered it.")
class Solution:
    option_ids: list[strawberry.ID]
    number: float | None
    tolerance: float | None
    accepted_answers: list[str]
    reference_answer: str | None
    rubric: list[str]


@strawberry.type(description="A problem to answer. Correct answers and explanations stay hidden until answered.")
class Problem(EncodedNode):
    id: relay.NodeID[int]
    kind: ProblemKind
    status: ProblemStatus
    prompt: str
    difficulty: int
    external_id: str | None
    lesson_id: strawberry.Private[int]
    prefetched_options: strawberry.Private[list[Option] | None] = None

    @classmethod
    def from_model(cls, problem: m.Problem | ProblemRow) -> Problem:
        assert problem.id is not None
        return cls(
            id=problem.id,
            kind=ProblemKind(problem.kind),
            status=ProblemStatus(problem.status),
            prompt=problem.prompt,
            difficulty=problem.difficulty,
            external_id=problem.external_id,
            lesson_id=problem.lesson_id,
        )

    async def _details(self, info: Info[Context, Any]) -> m.Problem:
        """The whole row (answer key, explanation, tags): loaded only when a field asks for it."""
        problem = await info.context.loaders.problem_by_id.load(self.id)
        assert problem is not None
        return problem

    @strawberry.field
    async def tags(self, info: Info[Context, Any]) -> list[str]:
        return list((await self._details(info)).tags)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Problem | None]:
        viewer = await info.context.viewer()
        loaders = info.context.loaders
        problems = await loaders.problem_by_id.load_many([int(k) for k in node_ids if k.isdigit()])
        lessons = await loaders.lesson_by_id.load_many([p.lesson_id if p else 0 for p in problems])
        return [
            cls.from_model(p)
            if p is not None and lesson is not None and policies.can_view_problem(viewer, p, lesson)
            else None
            for p, lesson in zip(problems, lessons, strict=True)
        ]

    @strawberry.field
    async def lesson(self, info: Info[Context, Any]) -> Lesson:
        lesson = await info.context.loaders.lesson_by_id.load(self.lesson_id)
        assert lesson is not None
        return Lesson.from_model(lesson)

    @strawberry.field
    def options(self, info: Info[Context, Any]) -> list[Option]:
        # Synchronous when `Lesson.problems` read the options ahead: an awaitable per problem costs
        # graphql-core a task each, about a tenth of a large lesson page's execution time.
        if self.prefetched_options is not None:
            return self.prefetched_options
        return self._load_options(info)  # type: ignore[return-value]

    async def _load_options(self, info: Info[Context, Any]) -> list[Option]:
        return [Option.from_model(o) for o in await info.context.loaders.options_by_problem.load(self.id)]

    @strawberry.field
    async def topics(self, info: Info[Context, Any]) -> list[Topic]:
        return [Topic.from_model(t) for t in await info.context.loaders.topics_by_problem.load(self.id)]

    @strawberry.field(
        description="How learners answered it (Moodle's response analysis): picks per option and ability "
        "quartile, frequent wrong answers, median time and flags. For the course's staff; null for anyone else."
    )
    async def answer_analysis(
        self, info: Info[Context, Any]
    ) -> Annotated[AnswerAnalysis, strawberry.lazy("graph.analytics.responses")] | None:
        from graph.analytics.responses import answer_analysis  # it imports this module

        return await answer_analysis(info, self.id, self.lesson_id)

    @strawberry.field(description="Whether the viewer has answered this problem before.")
    async def viewer_has_answered(self, info: Info[Context, Any]) -> bool:
        if info.context.viewer_id is None:
            return False
        return await info.context.loaders.viewer_answered_problem.load(self.id)

    @strawberry.field(description="Why the answer is what it is; null until the viewer has answered.")
    async def explanation(self, info: Info[Context, Any]) -> str | None:
        return (await self._details(info)).explanation if await solution_visible(info, self.id) else None

    @strawberry.field(description="The correct answer; null until the viewer has answered.")
    async def solution(self, info: Info[Context, Any]) -> Solution | None:
        if not await solution_visible(info, self.id):
            return None
        options = await info.context.loaders.options_by_problem.load(self.id)
        p = await self._details(info)
        return Solution(
            option_ids=[encode("Option", o.id) for o in options if o.correct],
            number=p.numeric_answer,
            tolerance=p.tolerance if p.numeric_answer is not None else None,
            accepted_answers=list(p.accepted_answers),
            reference_answer=p.reference_answer,
            rubric=list(p.rubric),
        )


@strawberry.type(description="A node of the topic tree (any depth, e.g. topic / subtopic / leaf / facet).")
class Topic(EncodedNode):
    id: relay.NodeID[int]
    name: str
    path: str
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, topic: m.Topic) -> Topic:
        assert topic.id is not None
        return cls(id=topic.id, name=topic.name, path=topic.path, parent_id=topic.parent_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Topic | None]:
        return await load_nodes(info.context.loaders.topic_by_id, node_ids, cls.from_model)

    @strawberry.field
    async def parent(self, info: Info[Context, Any]) -> Topic | None:
        if self.parent_id is None:
            return None
        parent = await info.context.loaders.topic_by_id.load(self.parent_id)
        return Topic.from_model(parent) if parent is not None else None

    @strawberry.field
    async def children(self, info: Info[Context, Any]) -> list[Topic]:
        return [Topic.from_model(t) for t in await info.context.loaders.topics_by_parent.load(self.id)]
