"""Instructor content services: courses, lessons, topics and problems.

Only instructors and admins author. An instructor changes only the courses they own and the lessons
and problems inside them; an admin changes anything. Topics are one shared tree: staff may add to
it, only admins rename or move topics (that changes the paths every course relies on).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, delete, func, insert, literal, select
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlmodel import SQLModel, col

from domain.errors import Conflict, DomainError, Forbidden, Invalid, InvalidErrors, NotFound
from domain.models import Course, Lesson, Option, Problem, ProblemKind, ProblemStatus, ProblemTopic, Role, Topic, User

SLUG = re.compile(r"^[a-z0-9-]{1,100}$")
SEGMENT = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
MAX_TOPIC_DEPTH, MAX_PATH, MAX_NAME = 8, 400, 200
MAX_TITLE, MAX_DESCRIPTION, MAX_BODY = 200, 10_000, 200_000
MAX_PROMPT, MAX_TEXT, MAX_ENTRIES, MAX_TAGS, MAX_TAG = 10_000, 10_000, 20, 20, 50
MIN_OPTIONS, MAX_OPTIONS, MAX_EXTERNAL_ID = 2, 10, 200
CHOICE_KINDS = {ProblemKind.SINGLE_CHOICE, ProblemKind.MULTIPLE_CHOICE}


@dataclass(frozen=True)
class CourseDraft:
    slug: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class CoursePatch:
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class LessonDraft:
    course_id: int
    title: str
    body: str = ""
    position: int | None = None  # None: after the last lesson


@dataclass(frozen=True)
class LessonPatch:
    title: str | None = None
    body: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class TopicDraft:
    name: str
    parent_id: int | None = None


@dataclass(frozen=True)
class OptionDraft:
    text: str
    correct: bool


@dataclass(frozen=True)
class ProblemDraft:
    lesson_id: int
    kind: ProblemKind
    prompt: str
    explanation: str = ""
    difficulty: int = 1
    options: Sequence[OptionDraft] = ()
    numeric_answer: float | None = None
    tolerance: float = 0.0
    accepted_answers: Sequence[str] = ()
    reference_answer: str | None = None
    rubric: Sequence[str] = ()
    tags: Sequence[str] = ()
    topic_ids: Sequence[int] = ()
    status: ProblemStatus = ProblemStatus.PUBLISHED
    external_id: str | None = None
    position: int | None = None  # None: after the last one (on update: where it is)


@dataclass(frozen=True)
class ProblemPatch:
    """None leaves a field as it is; `options` and `topic_ids` replace the whole set."""

    lesson_id: int | None = None
    kind: ProblemKind | None = None
    prompt: str | None = None
    explanation: str | None = None
    difficulty: int | None = None
    options: Sequence[OptionDraft] | None = None
    numeric_answer: float | None = None
    tolerance: float | None = None
    accepted_answers: Sequence[str] | None = None
    reference_answer: str | None = None
    rubric: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    topic_ids: Sequence[int] | None = None
    status: ProblemStatus | None = None
    external_id: str | None = None
    position: int | None = None


class _Positioned(Protocol):
    position: int


def _fail(errors: Sequence[DomainError]) -> None:
    if errors:
        raise errors[0] if len(errors) == 1 else InvalidErrors(errors)


def _invalid(message: str, field: list[str], code: str = "INVALID") -> Invalid:
    return Invalid(message, field=field, code=code)


def _text(value: str, field: str, limit: int, required: bool = True) -> list[Invalid]:
    if required and not value.strip():
        return [_invalid(f"`{field}` must not be empty.", [field], "REQUIRED")]
    if len(value) > limit:
        return [_invalid(f"`{field}` is over {limit} characters.", [field], "TOO_LONG")]
    return []


def _check_position(position: int | None) -> list[Invalid]:
    if position is not None and position < 0:
        return [_invalid("The position must be 0 or more.", ["position"])]
    return []


def _insert(session: AsyncSession, model: type[SQLModel]) -> PgInsert | SqliteInsert:
    postgres = session.get_bind().dialect.name == "postgresql"
    return pg_insert(model) if postgres else sqlite_insert(model)


def _place(siblings: list[_Positioned], item: _Positioned, index: int) -> None:
    """Put `item` at `index` among `siblings` (ordered, without `item`); renumber 0, 1, 2..."""
    siblings.insert(max(0, min(index, len(siblings))), item)
    for position, row in enumerate(siblings):
        if row.position != position:
            row.position = position


async def _after_last(session: AsyncSession, position: Mapped[int], siblings: ColumnElement[bool]) -> int:
    last = (await session.execute(select(func.max(position)).where(siblings))).scalar()
    return 0 if last is None else last + 1


# -- permissions ---------------------------------------------------------------------------------


def require_author(viewer: User) -> None:
    if viewer.role not in {Role.INSTRUCTOR.value, Role.ADMIN.value}:
        raise Forbidden("Only instructors and admins may author content.")


def can_author(viewer: User, course: Course) -> bool:
    if viewer.role == Role.ADMIN.value:
        return True
    return viewer.role == Role.INSTRUCTOR.value and course.owner_id == viewer.id


def check_can_author(viewer: User, course: Course) -> None:
    require_author(viewer)
    if not can_author(viewer, course):
        raise Forbidden("Only the course's owner or an admin may change it.")


async def authorable_course(session: AsyncSession, viewer: User, course_id: int) -> Course:
    require_author(viewer)
    course = await session.get(Course, course_id)
    if course is None:
        raise NotFound("No such course.", field=["courseId"])
    check_can_author(viewer, course)
    return course


async def authorable_lesson(session: AsyncSession, viewer: User, lesson_id: int) -> tuple[Lesson, Course]:
    """The lesson and its course if the viewer may author them; Forbidden / NotFound otherwise."""
    require_author(viewer)
    query = (
        select(Lesson, Course).join(Course, col(Course.id) == col(Lesson.course_id)).where(col(Lesson.id) == lesson_id)
    )
    row = (await session.execute(query)).one_or_none()
    if row is None:
        raise NotFound("No such lesson.", field=["lessonId"])
    lesson, course = row
    check_can_author(viewer, course)
    return lesson, course


# -- courses and lessons -------------------------------------------------------------------------


async def create_course(session: AsyncSession, viewer: User, draft: CourseDraft, now: datetime) -> Course:
    require_author(viewer)
    slug = draft.slug.strip().lower()
    errors = _text(draft.title, "title", MAX_TITLE)
    errors += _text(draft.description, "description", MAX_DESCRIPTION, False)
    if not SLUG.match(slug):
        message = "The slug has 1 to 100 characters of a-z, 0-9 and -."
        errors.insert(0, _invalid(message, ["slug"]))
    _fail(errors)
    statement = (
        _insert(session, Course)
        .values(
            slug=slug,
            title=draft.title.strip(),
            description=draft.description.strip(),
            owner_id=viewer.id,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["slug"])
        .returning(col(Course.id))
    )
    course_id = (await session.execute(statement)).scalar_one_or_none()
    if course_id is None:
        raise Conflict("This slug is taken.", field=["slug"], code="SLUG_TAKEN")
    course = await session.get(Course, course_id)
    assert course is not None
    return course


async def update_course(session: AsyncSession, viewer: User, course_id: int, patch: CoursePatch) -> Course:
    course = await authorable_course(session, viewer, course_id)
    errors: list[Invalid] = []
    if patch.title is not None:
        errors += _text(patch.title, "title", MAX_TITLE)
    if patch.description is not None:
        errors += _text(patch.description, "description", MAX_DESCRIPTION, False)
    _fail(errors)
    if patch.title is not None:
        course.title = patch.title.strip()
    if patch.description is not None:
        course.description = patch.description.strip()
    await session.flush()
    return course


async def _lessons_of(session: AsyncSession, course_id: int, but: int | None = None) -> list[_Positioned]:
    query = select(Lesson).where(col(Lesson.course_id) == course_id)
    if but is not None:
        query = query.where(col(Lesson.id) != but)
    query = query.order_by(col(Lesson.position), col(Lesson.id))
    return list((await session.execute(query)).scalars())


async def create_lesson(session: AsyncSession, viewer: User, draft: LessonDraft, now: datetime) -> Lesson:
    """A new, unpublished lesson at `position` (None: after the last one)."""
    await authorable_course(session, viewer, draft.course_id)
    errors = _text(draft.title, "title", MAX_TITLE)
    errors += _text(draft.body, "body", MAX_BODY, False)
    _fail(errors + _check_position(draft.position))
    lesson = Lesson(
        course_id=draft.course_id, title=draft.title.strip(), body=draft.body, published=False, created_at=now
    )
    if draft.position is None:
        lesson.position = await _after_last(session, col(Lesson.position), col(Lesson.course_id) == draft.course_id)
    else:
        _place(await _lessons_of(session, draft.course_id), lesson, draft.position)
    session.add(lesson)
    await session.flush()
    return lesson


async def update_lesson(session: AsyncSession, viewer: User, lesson_id: int, patch: LessonPatch) -> Lesson:
    lesson, _ = await authorable_lesson(session, viewer, lesson_id)
    errors = _check_position(patch.position)
    if patch.title is not None:
        errors += _text(patch.title, "title", MAX_TITLE)
    if patch.body is not None:
        errors += _text(patch.body, "body", MAX_BODY, False)
    _fail(errors)
    if patch.title is not None:
        lesson.title = patch.title.strip()
    if patch.body is not None:
        lesson.body = patch.body
    if patch.position is not None:
        siblings = await _lessons_of(session, lesson.course_id, lesson_id)
        _place(siblings, lesson, patch.position)
    await session.flush()
    return lesson


async def publish_lesson(session: AsyncSession, viewer: User, lesson_id: int, published: bool = True) -> Lesson:
    lesson, _ = await authorable_lesson(session, viewer, lesson_id)
    lesson.published = published
    await session.flush()
    return lesson


# -- topics --------------------------------------------------------------------------------------


def slugify_topic(name: str) -> str:
    """The path segment of a topic name: its letters and digits in lowercase snake_case."""
    return "_".join(re.findall(r"[a-z0-9]+", name.casefold()))


def topic_path_segments(path: str) -> list[str]:
    """The segments of a path like "backend__api__graphql"; Invalid (field ["path"]) if bad."""
    segments = path.split("__")
    if not 1 <= len(segments) <= MAX_TOPIC_DEPTH or len(path) > MAX_PATH:
        raise _invalid(f"A topic path has 1 to {MAX_TOPIC_DEPTH} segments, {MAX_PATH} characters.", ["path"])
    if not all(SEGMENT.match(segment) for segment in segments):
        raise _invalid("Topic path segments are lowercase snake_case (a-z, 0-9, single _) joined by __.", ["path"])
    return segments


def _check_path(path: str) -> None:
    if path.count("__") >= MAX_TOPIC_DEPTH or len(path) > MAX_PATH:
        raise _invalid("The topic tree would grow too deep or too long.", ["parentId"])


async def ensure_topic_path(session: AsyncSession, path: str) -> Topic:
    """The topic at `path`, creating it and missing ancestors; safe against concurrent callers."""
    segments = topic_path_segments(path)
    prefixes = ["__".join(segments[: depth + 1]) for depth in range(len(segments))]
    query = select(col(Topic.path), col(Topic.id)).where(col(Topic.path).in_(prefixes))
    known = {row[0]: row[1] for row in await session.execute(query)}
    parent_id: int | None = None
    for prefix in prefixes:
        topic_id = known.get(prefix)
        if topic_id is None:
            name = prefix.rsplit("__", 1)[-1].replace("_", " ").title()
            statement = (
                _insert(session, Topic)
                .values(parent_id=parent_id, path=prefix, name=name)
                .on_conflict_do_nothing(index_elements=["path"])
                .returning(col(Topic.id))
            )
            topic_id = (await session.execute(statement)).scalar_one_or_none()
        if topic_id is None:  # another transaction has just created it
            found = select(col(Topic.id)).where(col(Topic.path) == prefix)
            topic_id = (await session.execute(found)).scalar_one()
        parent_id = topic_id
    leaf = await session.get(Topic, parent_id)
    assert leaf is not None
    return leaf


async def create_topic(session: AsyncSession, viewer: User, draft: TopicDraft) -> Topic:
    require_author(viewer)
    errors = _text(draft.name, "name", MAX_NAME)
    if not errors and not slugify_topic(draft.name):
        errors.append(_invalid("The name needs a letter or a digit.", ["name"]))
    _fail(errors)
    prefix = ""
    if draft.parent_id is not None:
        parent = await session.get(Topic, draft.parent_id)
        if parent is None:
            raise NotFound("No such parent topic.", field=["parentId"])
        prefix = parent.path + "__"
    path = prefix + slugify_topic(draft.name)
    _check_path(path)
    statement = (
        _insert(session, Topic)
        .values(parent_id=draft.parent_id, path=path, name=draft.name.strip())
        .on_conflict_do_nothing(index_elements=["path"])
        .returning(col(Topic.id))
    )
    topic_id = (await session.execute(statement)).scalar_one_or_none()
    if topic_id is None:
        raise Conflict(f"Topic {path!r} exists.", field=["name"], code="TOPIC_EXISTS")
    topic = await session.get(Topic, topic_id)
    assert topic is not None
    return topic


async def update_topic(
    session: AsyncSession,
    viewer: User,
    topic_id: int,
    name: str | None = None,
    parent_id: int | None = None,
    *,
    to_root: bool = False,
) -> Topic:
    """Rename and/or move a topic (None: unchanged; `to_root`: make it top-level).

    The paths of the topic and everything below it follow; moving below itself is a CYCLE."""
    require_author(viewer)
    if viewer.role != Role.ADMIN.value:
        raise Forbidden("Only admins may rename or move shared topics.")
    topic = await session.get(Topic, topic_id)
    if topic is None:
        raise NotFound("No such topic.", field=["topicId"])
    if name is not None:
        _fail(_text(name, "name", MAX_NAME))
        if not slugify_topic(name):
            raise _invalid("The name needs a letter or a digit.", ["name"])
    parent = None
    if parent_id is not None and not to_root:
        parent = await session.get(Topic, parent_id)
        if parent is None:
            raise NotFound("No such parent topic.", field=["parentId"])
        if parent.id == topic.id or parent.path.startswith(topic.path + "__"):
            raise _invalid("A topic cannot move below itself.", ["parentId"], "CYCLE")
    elif topic.parent_id is not None and not to_root:
        parent = await session.get(Topic, topic.parent_id)
    old = topic.path
    segment = slugify_topic(name) if name is not None else old.rsplit("__", 1)[-1]
    new = (parent.path + "__" if parent is not None else "") + segment
    if new != old:
        below = col(Topic.path).startswith(old + "__", autoescape=True)
        descendants = list((await session.execute(select(Topic).where(below))).scalars())
        for path in [new, *(new + d.path[len(old) :] for d in descendants)]:
            _check_path(path)
        taken = select(col(Topic.id)).where(col(Topic.path) == new)
        if (await session.execute(taken)).first() is not None:
            raise Conflict(f"Topic {new!r} exists.", field=["name"], code="TOPIC_EXISTS")
        for descendant in descendants:
            descendant.path = new + descendant.path[len(old) :]
        topic.path = new
    topic.parent_id = None if parent is None else parent.id
    if name is not None:
        topic.name = name.strip()
    await session.flush()
    return topic


# -- problems ------------------------------------------------------------------------------------


def _validate_options(kind: ProblemKind, options: Sequence[OptionDraft]) -> list[Invalid]:
    if kind not in CHOICE_KINDS:
        message = f"A {kind} problem takes no options."
        return [_invalid(message, ["options"], "NOT_ALLOWED")] if options else []
    errors: list[Invalid] = []
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        message = f"A {kind} problem needs {MIN_OPTIONS} to {MAX_OPTIONS} options."
        errors.append(_invalid(message, ["options"], "OPTION_COUNT"))
    seen: set[str] = set()
    for index, option in enumerate(options):
        at = ["options", str(index), "text"]
        key = " ".join(option.text.casefold().split())
        if not key:
            errors.append(_invalid("The option text is empty.", at, "REQUIRED"))
        elif len(option.text) > MAX_TEXT:
            errors.append(_invalid(f"Over {MAX_TEXT} characters.", at, "TOO_LONG"))
        elif key in seen:
            errors.append(_invalid("This option is there twice.", at, "DUPLICATE_OPTION"))
        seen.add(key)
    correct = sum(1 for option in options if option.correct)
    if options and kind == ProblemKind.SINGLE_CHOICE and correct != 1:
        message = "Mark exactly one option correct."
        errors.append(_invalid(message, ["options"], "CORRECT_OPTION_COUNT"))
    if options and kind == ProblemKind.MULTIPLE_CHOICE and correct < 1:
        message = "Mark at least one option correct."
        errors.append(_invalid(message, ["options"], "CORRECT_OPTION_COUNT"))
    return errors


def _validate_answer(kind: ProblemKind, draft: ProblemDraft) -> list[Invalid]:
    errors: list[Invalid] = []
    if kind == ProblemKind.NUMERIC:
        if draft.numeric_answer is None:
            message = "A numeric problem needs its answer."
            errors.append(_invalid(message, ["numericAnswer"], "REQUIRED"))
        elif not math.isfinite(draft.numeric_answer):
            message = "The answer must be a finite number."
            errors.append(_invalid(message, ["numericAnswer"], "NOT_FINITE"))
        if not (math.isfinite(draft.tolerance) and draft.tolerance >= 0):
            message = "The tolerance is a finite number, 0 or more."
            errors.append(_invalid(message, ["tolerance"], "OUT_OF_RANGE"))
    if kind == ProblemKind.SHORT_TEXT and not _clean(draft.accepted_answers):
        message = "Give at least one accepted answer."
        errors.append(_invalid(message, ["acceptedAnswers"], "REQUIRED"))
    if kind == ProblemKind.FREE_TEXT:
        errors += _text(draft.reference_answer or "", "referenceAnswer", MAX_TEXT)
    return errors


def validate_problem(draft: ProblemDraft) -> list[Invalid]:
    """Everything wrong with a problem definition, each error with its input field path."""
    errors = _text(draft.prompt, "prompt", MAX_PROMPT)
    errors += _text(draft.explanation, "explanation", MAX_TEXT, False)
    try:
        kind = ProblemKind(draft.kind)
    except ValueError:
        return [*errors, _invalid(f"Unknown kind {draft.kind!r}.", ["kind"])]
    if isinstance(draft.difficulty, bool) or draft.difficulty not in range(1, 6):
        errors.append(_invalid("Difficulty is 1 to 5.", ["difficulty"], "OUT_OF_RANGE"))
    errors += _validate_options(kind, draft.options) + _validate_answer(kind, draft)
    for field, values, limit in (
        ("acceptedAnswers", draft.accepted_answers, MAX_TEXT),
        ("rubric", draft.rubric, MAX_TEXT),
        ("tags", draft.tags, MAX_TAG),
    ):
        if len(values) > MAX_ENTRIES or any(len(value) > limit for value in values):
            message = f"At most {MAX_ENTRIES} entries of {limit} characters each."
            errors.append(_invalid(message, [field], "TOO_LONG"))
    external_id = draft.external_id
    if external_id is not None and not 0 < len(external_id.strip()) <= MAX_EXTERNAL_ID:
        message = f"The external id has 1 to {MAX_EXTERNAL_ID} characters."
        errors.append(_invalid(message, ["externalId"]))
    return errors + _check_position(draft.position)


def _clean(values: Sequence[str]) -> list[str]:
    """Stripped and non-empty, each once, in order."""
    return list(dict.fromkeys(value.strip() for value in values if value.strip()))


async def _set_options(session: AsyncSession, problem_id: int, drafts: Sequence[OptionDraft], fresh: bool) -> None:
    """Replace the options, keeping the row (and id) of each option whose text stays."""
    existing: dict[str, Option] = {}
    if not fresh:
        query = select(Option).where(col(Option.problem_id) == problem_id)
        rows = (await session.execute(query)).scalars()
        existing = {option.text: option for option in rows}
    for position, draft in enumerate(drafts):
        text = draft.text.strip()
        option = existing.pop(text, None) or Option(problem_id=problem_id, text=text)
        option.correct, option.position = draft.correct, position
        session.add(option)
    for stale in existing.values():
        await session.delete(stale)


async def _set_topics(session: AsyncSession, problem_id: int, topic_ids: Sequence[int], fresh: bool) -> None:
    """Link exactly these topics with Core statements (link rows never enter the ORM); an unknown
    id is NotFound, told by the INSERT ... SELECT that links only the topics that exist."""
    wanted = set(topic_ids)
    links = col(ProblemTopic.problem_id) == problem_id
    query = select(col(ProblemTopic.topic_id)).where(links)
    linked = set() if fresh else set((await session.execute(query)).scalars())
    if linked - wanted:
        stale = col(ProblemTopic.topic_id).in_(linked - wanted)
        await session.execute(delete(ProblemTopic).where(links, stale))
    if wanted - linked:
        existing = select(literal(problem_id), col(Topic.id)).where(col(Topic.id).in_(wanted - linked))
        statement = insert(ProblemTopic).from_select(["problem_id", "topic_id"], existing)
        added = set((await session.execute(statement.returning(col(ProblemTopic.topic_id)))).scalars())
        missing = [i for i, topic_id in enumerate(topic_ids) if topic_id not in linked | added]
        _fail([NotFound("No such topic.", field=["topicIds", str(i)]) for i in missing])


def external_id_taken(field: list[str]) -> Conflict:
    return Conflict("A problem with this external id exists.", field=field, code="EXTERNAL_ID_TAKEN")


async def write_problem(
    session: AsyncSession, draft: ProblemDraft, now: datetime, problem: Problem | None = None
) -> Problem:
    """Validate and store a new problem, or `problem` changed in place. Checks no permissions: callers do.

    Call it inside a SAVEPOINT (`session.begin_nested()`): a taken external id is an IntegrityError."""
    _fail(validate_problem(draft))
    kind = ProblemKind(draft.kind)
    external_id = draft.external_id.strip() if draft.external_id is not None else None
    fresh = problem is None
    moved = problem is None or problem.lesson_id != draft.lesson_id
    if problem is None:
        problem = Problem(lesson_id=draft.lesson_id, kind=kind.value, prompt="", created_at=now)
    numeric = kind == ProblemKind.NUMERIC
    values = {
        "lesson_id": draft.lesson_id,
        "kind": kind.value,
        "status": ProblemStatus(draft.status).value,
        "prompt": draft.prompt.strip(),
        "explanation": draft.explanation.strip(),
        "difficulty": draft.difficulty,
        "numeric_answer": draft.numeric_answer if numeric else None,
        "tolerance": draft.tolerance if numeric else 0.0,
        "accepted_answers": _clean(draft.accepted_answers),
        "reference_answer": (draft.reference_answer or "").strip() or None,
        "rubric": _clean(draft.rubric),
        "tags": _clean(draft.tags),
        "external_id": external_id,
    }
    for name, value in values.items():
        if getattr(problem, name) != value:
            setattr(problem, name, value)
    same_lesson = col(Problem.lesson_id) == draft.lesson_id
    if draft.position is not None:
        query = select(Problem).where(same_lesson)
        if problem.id is not None:
            query = query.where(col(Problem.id) != problem.id)
        query = query.order_by(col(Problem.position), col(Problem.id))
        siblings: list[_Positioned] = list((await session.execute(query)).scalars())
        _place(siblings, problem, draft.position)
    elif moved:
        problem.position = await _after_last(session, col(Problem.position), same_lesson)
    session.add(problem)
    await session.flush()
    assert problem.id is not None
    await _set_options(session, problem.id, draft.options, fresh)
    await _set_topics(session, problem.id, draft.topic_ids, fresh)
    await session.flush()
    return problem


async def _write_in_savepoint(
    session: AsyncSession, draft: ProblemDraft, now: datetime, problem: Problem | None = None
) -> Problem:
    try:
        async with session.begin_nested():
            return await write_problem(session, draft, now, problem)
    except IntegrityError as error:  # the unique external id: the one constraint a valid draft can break
        raise external_id_taken(["externalId"]) from error


async def create_problem(session: AsyncSession, viewer: User, draft: ProblemDraft, now: datetime) -> Problem:
    await authorable_lesson(session, viewer, draft.lesson_id)
    return await _write_in_savepoint(session, draft, now)


async def problem_draft(session: AsyncSession, problem: Problem) -> ProblemDraft:
    """A stored problem as a draft (position None: stays), the base that a patch changes."""
    options = select(Option).where(col(Option.problem_id) == problem.id)
    options = options.order_by(col(Option.position), col(Option.id))
    topics = select(col(ProblemTopic.topic_id)).where(col(ProblemTopic.problem_id) == problem.id)
    return ProblemDraft(
        lesson_id=problem.lesson_id,
        kind=ProblemKind(problem.kind),
        prompt=problem.prompt,
        explanation=problem.explanation,
        difficulty=problem.difficulty,
        options=[OptionDraft(option.text, option.correct) for option in (await session.execute(options)).scalars()],
        numeric_answer=problem.numeric_answer,
        tolerance=problem.tolerance,
        accepted_answers=problem.accepted_answers,
        reference_answer=problem.reference_answer,
        rubric=problem.rubric,
        tags=problem.tags,
        topic_ids=sorted((await session.execute(topics)).scalars()),
        status=ProblemStatus(problem.status),
        external_id=problem.external_id,
    )


async def update_problem(session: AsyncSession, viewer: User, problem_id: int, patch: ProblemPatch) -> Problem:
    require_author(viewer)
    problem = await session.get(Problem, problem_id)
    if problem is None:
        raise NotFound("No such problem.", field=["problemId"])
    await authorable_lesson(session, viewer, problem.lesson_id)
    if patch.lesson_id is not None and patch.lesson_id != problem.lesson_id:
        await authorable_lesson(session, viewer, patch.lesson_id)
    changes = {f.name: getattr(patch, f.name) for f in fields(patch)}
    draft = replace(
        await problem_draft(session, problem), **{name: value for name, value in changes.items() if value is not None}
    )
    return await _write_in_savepoint(session, draft, problem.created_at, problem)
