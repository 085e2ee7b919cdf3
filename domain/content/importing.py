"""Bulk import of problems from plain JSON items, idempotent by external id.

Every item is parsed and checked in Python first: a bad item becomes an ItemError with a field path
like ["items", "3", "answer"] and the good ones are stored all the same. New problems are stored
together in a few multi-row statements (`problem_authoring.write_problems`); an item whose id exists
updates that problem, on its own inside a SAVEPOINT.

    {"id": "gql-schema-01", "type": "mcq" | "theory" | "scenario" | "numeric" | "short",
     "question": str, "options": [str], "answer": ..., "tolerance": number, "accepted": [str],
     "rubric": [str], "explanation": str, "difficulty": 1..5, "tags": [str], "topic": "a__b__c"}

The mcq answer is one option (its text or 0-based index: single choice) or a list of them
(multiple choice); numeric takes a number, short a string (more variants in "accepted"), theory and
scenario the reference answer (they become free text, tagged "theory" / "scenario").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import policies
from domain.content import courses as authoring
from domain.content import problems as problem_authoring
from domain.content import topics
from domain.content.problems import OptionDraft, ProblemDraft
from domain.errors import DomainError, Forbidden, Invalid, InvalidErrors
from domain.models import Course, Lesson, Problem, ProblemKind, User

MAX_ITEMS = 1000
KINDS = {
    "mcq": ProblemKind.SINGLE_CHOICE,
    "numeric": ProblemKind.NUMERIC,
    "short": ProblemKind.SHORT_TEXT,
    "theory": ProblemKind.FREE_TEXT,
    "scenario": ProblemKind.FREE_TEXT,
}
KEYS = {"id", "type", "question", "options", "answer", "tolerance", "accepted"}
KEYS |= {"rubric", "explanation", "difficulty", "tags", "topic"}
ONLY_FOR = {"options": {"mcq"}, "tolerance": {"numeric"}, "accepted": {"short"}}
ONLY_FOR |= {"rubric": {"theory", "scenario"}}
# Field names of ProblemDraft errors (as the GraphQL input names them) -> keys of an item.
ITEM_KEYS = {
    "prompt": "question",
    "kind": "type",
    "externalId": "id",
    "numericAnswer": "answer",
    "referenceAnswer": "answer",
    "acceptedAnswers": "accepted",
    "topicIds": "topic",
    "path": "topic",
}


@dataclass(frozen=True)
class ItemError:
    index: int
    external_id: str | None
    field: list[str]
    code: str
    message: str


@dataclass
class ImportReport:
    created: list[Problem] = field(default_factory=list)
    updated: list[Problem] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)


@dataclass
class _Parsed:
    """One item read into a draft (lesson 0: decided later), or the errors that stop it."""

    draft: ProblemDraft | None
    topic: str | None
    errors: list[DomainError]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Reader:
    """Typed access to the keys of one item, collecting an error for each bad one."""

    def __init__(self, item: dict[str, Any]) -> None:
        self.item = item
        self.errors: list[DomainError] = []

    def fail(self, path: Sequence[str], message: str, code: str = "INVALID") -> None:
        self.errors.append(Invalid(message, field=list(path), code=code))

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.item.get(key)
        if value is None:
            if required:
                self.fail([key], f"`{key}` is required.", "REQUIRED")
            return None
        if not isinstance(value, str):
            self.fail([key], f"`{key}` must be a string.", "WRONG_TYPE")
            return None
        return value

    def texts(self, key: str) -> list[str]:
        value = self.item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail([key], f"`{key}` must be a list of strings.", "WRONG_TYPE")
            return []
        return value

    def number(self, key: str, default: float) -> float:
        value = self.item.get(key, default)
        if not _is_number(value):
            self.fail([key], f"`{key}` must be a number.", "WRONG_TYPE")
            return default
        return float(value)

    def integer(self, key: str, default: int) -> int:
        value = self.item.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail([key], f"`{key}` must be an integer.", "WRONG_TYPE")
            return default
        return value

    def choice(self, options: list[str], answer: object, at: list[str]) -> int | None:
        """The index of the option an answer names, by its text or its 0-based index."""
        if isinstance(answer, bool) or not isinstance(answer, str | int):
            self.fail(at, "Name an option by its text or index.", "WRONG_TYPE")
            return None
        if isinstance(answer, int):
            if 0 <= answer < len(options):
                return answer
        else:
            for texts, key in (
                ([o.strip() for o in options], answer.strip()),
                ([_loose(o) for o in options], _loose(answer)),
            ):
                if key in texts:
                    return texts.index(key)
        self.fail(at, f"{answer!r} is not one of the options.", "ANSWER_NOT_AN_OPTION")
        return None


def _loose(text: str) -> str:
    return " ".join(text.casefold().split())


def _choice_fields(reader: _Reader) -> dict[str, Any]:
    """Options and their correct flags from `options` and `answer`; which answers are options is
    checked only once the options themselves are readable."""
    errors_before = len(reader.errors)
    if "options" not in reader.item:
        reader.fail(["options"], "A mcq item needs `options`.", "REQUIRED")
    options = reader.texts("options")
    answer = reader.item.get("answer")
    many = isinstance(answer, list)
    answers = answer if isinstance(answer, list) else [answer]
    if answer is None or answers == []:
        reader.fail(["answer"], "Name the correct option(s) in `answer`.", "REQUIRED")
    elif len(reader.errors) == errors_before:
        chosen = {reader.choice(options, a, ["answer", str(i)] if many else ["answer"]) for i, a in enumerate(answers)}
        options_drafts = [OptionDraft(text, i in chosen) for i, text in enumerate(options)]
        return {"kind": ProblemKind.MULTIPLE_CHOICE if many else ProblemKind.SINGLE_CHOICE, "options": options_drafts}
    return {"kind": ProblemKind.SINGLE_CHOICE, "options": [OptionDraft(text, False) for text in options]}


def _parse(item: object) -> _Parsed:
    if not isinstance(item, dict):
        error = Invalid("An item is a JSON object.", field=[], code="WRONG_TYPE")
        return _Parsed(None, None, [error])
    reader = _Reader(item)
    for key in sorted(set(item) - KEYS, key=str):
        reader.fail([str(key)], f"Unknown field {key!r}.", "UNKNOWN_FIELD")
    external_id = reader.text("id")
    prompt = reader.text("question", required=True)
    kind_name = reader.text("type", required=True)
    if kind_name is not None and kind_name not in KINDS:
        message = f"Unknown type {kind_name!r}; use one of {', '.join(KINDS)}."
        reader.fail(["type"], message, "UNKNOWN_TYPE")
    topic = reader.text("topic")
    if topic is not None:
        try:
            topics.topic_path_segments(topic)
        except Invalid as error:
            reader.fail(["topic"], error.message, error.code)
    tags = reader.texts("tags")
    values: dict[str, Any] = {
        "explanation": reader.text("explanation") or "",
        "difficulty": reader.integer("difficulty", 1),
    }
    if kind_name not in KINDS or prompt is None:
        return _Parsed(None, topic, reader.errors)
    for key, kinds in ONLY_FOR.items():
        if key in item and kind_name not in kinds:
            message = f"A {kind_name} item takes no `{key}`."
            reader.fail([key], message, "NOT_ALLOWED")
    if kind_name == "mcq":
        values |= _choice_fields(reader)
    else:
        values["kind"] = KINDS[kind_name]
        answer = item.get("answer")
        if answer is None:
            reader.fail(["answer"], "`answer` is required.", "REQUIRED")
        elif kind_name == "numeric":
            values["numeric_answer"] = reader.number("answer", 0.0)
            values["tolerance"] = reader.number("tolerance", 0.0)
        elif not isinstance(answer, str):
            reader.fail(["answer"], "`answer` must be a string.", "WRONG_TYPE")
        elif kind_name == "short":
            values["accepted_answers"] = [answer, *reader.texts("accepted")]
            values["reference_answer"] = answer
        else:
            values["reference_answer"] = answer
            values["rubric"] = reader.texts("rubric")
            tags = tags if kind_name in tags else [*tags, kind_name]
    draft = ProblemDraft(lesson_id=0, prompt=prompt, tags=tags, external_id=external_id, **values)
    # One report per key: a key that failed to parse is not judged again by the rules.
    failed = {_head(parse_error) for parse_error in reader.errors}
    for rule_error in map(_to_item_field, problem_authoring.validate_problem(draft)):
        if _head(rule_error) not in failed:
            reader.errors.append(rule_error)
    return _Parsed(draft if not reader.errors else None, topic, reader.errors)


def _head(error: DomainError) -> str:
    return (error.field or [""])[0]


def _to_item_field(error: DomainError) -> DomainError:
    """Re-path an error of the draft onto the keys of the item."""
    path = list(error.field or [])
    if not path:
        return error
    head = ITEM_KEYS.get(path[0], path[0])
    if path[0] == "acceptedAnswers" and error.code == "REQUIRED":
        head = "answer"
    if path[0] == "options" and error.code == "CORRECT_OPTION_COUNT":
        head = "answer"
    if path[0] == "options" and path[2:] == ["text"]:
        path = path[:2]
    return DomainError(error.message, field=[head, *path[1:]], code=error.code)


async def _existing(session: AsyncSession, external_ids: Sequence[str]) -> dict[str, tuple[Problem, Course]]:
    """Problems already imported under these ids, with the course they belong to."""
    if not external_ids:
        return {}
    query = (
        select(Problem, Course)
        .join(Lesson, col(Lesson.id) == col(Problem.lesson_id))
        .join(Course, col(Course.id) == col(Lesson.course_id))
        .where(col(Problem.external_id).in_(set(external_ids)))
    )
    rows = await session.execute(query)
    return {problem.external_id or "": (problem, course) for problem, course in rows}


async def import_problems(
    session: AsyncSession, viewer: User, lesson_id: int, items: list[dict[str, Any]], now: datetime
) -> ImportReport:
    """Create new problems on the lesson and update those whose id exists; report bad items."""
    await authoring.authorable_lesson(session, viewer, lesson_id)
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        message = f"Import a list of at most {MAX_ITEMS} items per call."
        raise Invalid(message, field=["items"], code="TOO_MANY_ITEMS")
    parsed = [_parse(item) for item in items]
    ids = [p.draft.external_id for p in parsed if p.draft and p.draft.external_id]
    existing = await _existing(session, [i.strip() for i in ids])
    seen: set[str] = set()
    checked = [_accept(viewer, lesson_id, result, existing, seen) for result in parsed]
    outcomes: dict[int, Problem | list[DomainError]] = {}
    accepted: dict[int, _Accepted] = {}
    for index, check in enumerate(checked):
        if isinstance(check, _Accepted):
            accepted[index] = check
        else:
            outcomes[index] = check
    topic_ids = await _topic_ids(session, [check.topic for check in accepted.values()])
    new: dict[int, ProblemDraft] = {}
    updates: dict[int, tuple[ProblemDraft, Problem]] = {}
    for index, check in accepted.items():
        draft = replace(check.draft, topic_ids=topic_ids[check.topic])
        if check.problem is None:
            new[index] = draft
        else:
            updates[index] = (draft, check.problem)
    outcomes |= await _create(session, lesson_id, new, now)
    for index, (draft, problem) in updates.items():
        outcomes[index] = await _update(session, draft, now, problem)
    report = ImportReport()
    for index, item in enumerate(items):
        outcome = outcomes[index]
        if isinstance(outcome, Problem):
            (report.created if index in new else report.updated).append(outcome)
            continue
        raw_id = item.get("id") if isinstance(item, dict) else None
        external_id = raw_id.strip() if isinstance(raw_id, str) else None
        for error in outcome:
            path = ["items", str(index), *(error.field or [])]
            report.errors.append(ItemError(index, external_id, path, error.code, error.message))
    return report


@dataclass(frozen=True)
class _Accepted:
    """An item that passed every check made before storing: its draft (lesson and stripped id set,
    topics not yet), its topic path, and the problem it updates (None: a new one)."""

    draft: ProblemDraft
    topic: str | None
    problem: Problem | None


def _accept(
    viewer: User,
    lesson_id: int,
    parsed: _Parsed,
    existing: dict[str, tuple[Problem, Course]],
    seen: set[str],
) -> _Accepted | list[DomainError]:
    """The item ready to store, or what is wrong with it; the first valid item of an id claims it."""
    if parsed.draft is None:
        return parsed.errors
    external_id = parsed.draft.external_id
    external_id = external_id.strip() if external_id is not None else None
    if external_id is not None and external_id in seen:
        message = "This id is in the import twice."
        return [Invalid(message, field=["id"], code="DUPLICATE_ID")]
    if external_id is not None:
        seen.add(external_id)
    problem, course = existing.get(external_id or "", (None, None))
    if course is not None and not policies.can_author_course(viewer, course):
        message = "This id belongs to a problem of a course you may not change."
        return [Forbidden(message, field=["id"])]
    lesson = lesson_id if problem is None else problem.lesson_id
    draft = replace(parsed.draft, lesson_id=lesson, external_id=external_id)
    # Checked here, not by the batch: one invalid draft would make `write_problems` store none.
    errors = problem_authoring.validate_problem(draft)
    if errors:
        return [_to_item_field(error) for error in errors]
    return _Accepted(draft, parsed.topic, problem)


async def _topic_ids(session: AsyncSession, paths: Sequence[str | None]) -> dict[str | None, list[int]]:
    """The topic ids to link for each path (none for None): the topic at the path, created with its
    missing ancestors, looked up once per distinct path."""
    ids: dict[str | None, list[int]] = {None: []}
    for path in dict.fromkeys(path for path in paths if path is not None):
        topic = await topics.ensure_topic_path(session, path)
        ids[path] = [topic.id] if topic.id is not None else []
    return ids


async def _create(
    session: AsyncSession, lesson_id: int, drafts: dict[int, ProblemDraft], now: datetime
) -> dict[int, Problem | list[DomainError]]:
    """Store the new items (by item index) in one batch, in item order after the lesson's last problem.

    The batch skips an item whose id a concurrent import has stored since `_existing` looked (ON
    CONFLICT DO NOTHING); that item gets the error a failed INSERT of its own would have given."""
    stored = iter(await problem_authoring.write_problems(session, lesson_id, list(drafts.values()), now))
    # The stored problems come back in draft order and the ids of the batch are distinct (or None,
    # which never conflicts): a draft whose id is not the next stored one was skipped.
    outcomes: dict[int, Problem | list[DomainError]] = {}
    problem = next(stored, None)
    for index, draft in drafts.items():
        if problem is not None and problem.external_id == draft.external_id:
            outcomes[index] = problem
            problem = next(stored, None)
        else:
            outcomes[index] = [problem_authoring.external_id_taken(["id"])]
    return outcomes


async def _update(
    session: AsyncSession, draft: ProblemDraft, now: datetime, problem: Problem
) -> Problem | list[DomainError]:
    """Update one imported problem in its own SAVEPOINT; the problem, or what is wrong with the item."""
    try:
        async with session.begin_nested():
            return await problem_authoring.write_problem(session, draft, now, problem)
    except DomainError as error:
        errors = error.errors if isinstance(error, InvalidErrors) else [error]
        return [_to_item_field(e) for e in errors]
    except IntegrityError:  # a concurrent import took this id first
        return [problem_authoring.external_id_taken(["id"])]
