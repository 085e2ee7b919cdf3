"""AI question generation: the request, chunking, the cache, validation and storing DRAFT problems.

`request` (the `generateProblems` mutation) checks the input and records a generation job with the
normalized source text; the worker splits the text into `plan_chunks`, asks the provider for each
chunk in parallel (a chunk's answer is cached by a hash of its text and the parameters, so the same
source with the same parameters costs no provider call again), `validate`s what comes back (an
answer key, distinct options, the answer among the options) and `store`s the good ones as DRAFT
problems of the lesson, named `ai-job-<job>-<n>` by external id: a retried job finds the ones it
stored already and stores no duplicate.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.ai.documents import normalize_source, sentences
from domain.content import problems as problem_authoring
from domain.content.courses import authorable_lesson, fail_if
from domain.content.problems import OptionDraft, ProblemDraft
from domain.errors import DomainError, Invalid
from domain.infra.database import dialect_insert
from domain.jobs import records as jobs
from domain.jobs.records import Usage
from domain.learning.scoring import normalize_text
from domain.models import AiCacheEntry, Job, JobKind, Problem, ProblemKind, ProblemStatus, User
from domain.settings import Settings

KINDS = (ProblemKind.SINGLE_CHOICE, ProblemKind.SHORT_TEXT, ProblemKind.FREE_TEXT, ProblemKind.MULTIPLE_CHOICE)
CACHE_KIND = "generation"
TAG = "ai-generated"


@dataclass(frozen=True)
class GenerationInput:
    lesson_id: int
    text: str
    count: int
    kinds: tuple[ProblemKind, ...] | None = None
    field: str = "sourceText"  # where the text came from: sourceText, or document (a PDF)


@dataclass(frozen=True)
class Chunk:
    index: int
    text: str
    count: int


@dataclass(frozen=True)
class Generated:
    """Problems as a provider wrote them (see `validate` for the shape), and what they cost."""

    items: list[dict[str, Any]]
    usage: Usage


class Generator(Protocol):
    """What the worker's AI provider offers for generation (workers/ai)."""

    @property
    def identity(self) -> str: ...

    async def generate(self, text: str, count: int, kinds: Sequence[ProblemKind]) -> Generated: ...


def ai_identity(settings: Settings) -> str:
    """Which provider (and model) answers: part of every cache key."""
    return "local:1" if settings.ai_provider == "local" else f"openai:{settings.ai_model}"


# -- the request ---------------------------------------------------------------------------------


def check_parameters(
    count: int, kinds: Sequence[ProblemKind] | None, settings: Settings
) -> tuple[tuple[ProblemKind, ...], list[DomainError]]:
    """The kinds to generate (all that can be, when left out) and what is wrong with count and kinds."""
    errors: list[DomainError] = []
    maximum = settings.generation_max_count
    if not 1 <= count <= maximum:
        errors.append(Invalid(f"Ask for 1 to {maximum} problems.", field=["count"], code="OUT_OF_RANGE"))
    wanted = tuple(dict.fromkeys(kinds)) if kinds is not None else KINDS
    if not wanted:
        errors.append(Invalid("Name at least one kind, or leave `kinds` out.", field=["kinds"], code="REQUIRED"))
    for index, kind in enumerate(kinds or ()):
        if kind not in KINDS:
            message = f"{kind.value} problems cannot be generated."
            errors.append(Invalid(message, field=["kinds", str(index)], code="NOT_SUPPORTED"))
    return wanted, errors


def check_input(source: GenerationInput, settings: Settings) -> tuple[str, tuple[ProblemKind, ...]]:
    """The normalized text and kinds, or every problem with the input at once."""
    kinds, errors = check_parameters(source.count, source.kinds, settings)
    text = normalize_source(source.text)
    if not text:
        errors.append(Invalid("The source text is empty.", field=[source.field], code="REQUIRED"))
    elif len(text) > settings.generation_max_source_chars:
        message = f"The source text is longer than {settings.generation_max_source_chars} characters."
        errors.append(Invalid(message, field=[source.field], code="TOO_LONG"))
    fail_if(errors)
    return text, kinds


def source_hash(text: str, count: int, kinds: Sequence[ProblemKind], identity: str) -> str:
    material = [identity, count, [kind.value for kind in kinds], text]
    return hashlib.sha256(json.dumps(material, separators=(",", ":")).encode()).hexdigest()


async def request(
    session: AsyncSession, viewer: User, source: GenerationInput, settings: Settings, now: datetime
) -> tuple[Job, bool]:
    """The generation job for this lesson and input: new (True), or the one asked for before (False)."""
    assert viewer.id is not None
    await authorable_lesson(session, viewer, source.lesson_id)
    text, kinds = check_input(source, settings)
    digest = source_hash(text, source.count, kinds, ai_identity(settings))
    return await jobs.create(
        session,
        kind=JobKind.GENERATION,
        dedupe_key=f"generation:lesson:{source.lesson_id}:{digest}",
        input_hash=digest,
        params={"count": source.count, "kinds": [kind.value for kind in kinds], "source": source.field},
        created_by=viewer.id,
        now=now,
        lesson_id=source.lesson_id,
        source_text=text,
    )


# -- chunks and their cache ----------------------------------------------------------------------


def plan_chunks(text: str, count: int, per_request: int, max_chars: int) -> list[Chunk]:
    """Split the text into as few pieces as the request size allows (`per_request` problems each, at
    most `max_chars` of text each), in order, and share the count out among them. Text beyond what
    the pieces hold is sampled: each piece takes the beginning of its share of the document."""
    wanted = max(math.ceil(count / per_request), math.ceil(len(text) / max_chars), 1)
    units = sentences(text, max_chars)
    pieces = max(1, min(wanted, count, len(units)))
    share = len(text) / pieces
    grouped: list[list[str]] = [[] for _ in range(pieces)]
    position = 0
    for unit in units:
        grouped[min(pieces - 1, int(position / share))].append(unit)
        position += len(unit) + 1
    texts = [_first(group, max_chars) for group in grouped if group]
    base, extra = divmod(count, len(texts))
    return [Chunk(index, piece, base + (index < extra)) for index, piece in enumerate(texts)]


def _first(units: Sequence[str], max_chars: int) -> str:
    taken: list[str] = []
    size = 0
    for unit in units:
        if taken and size + len(unit) + 1 > max_chars:
            break
        taken.append(unit)
        size += len(unit) + 1
    return " ".join(taken)


def chunk_key(identity: str, chunk: Chunk, kinds: Sequence[ProblemKind]) -> str:
    material = [identity, chunk.count, [kind.value for kind in kinds], chunk.text]
    return hashlib.sha256(json.dumps(material, separators=(",", ":")).encode()).hexdigest()


async def cached(session: AsyncSession, keys: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    if not keys:
        return {}
    query = select(col(AiCacheEntry.key), col(AiCacheEntry.value)).where(
        col(AiCacheEntry.key).in_(set(keys)), col(AiCacheEntry.kind) == CACHE_KIND
    )
    return {key: list(value["items"]) for key, value in await session.execute(query)}


async def remember(session: AsyncSession, key: str, items: list[dict[str, Any]], now: datetime) -> None:
    row = {"key": key, "kind": CACHE_KIND, "value": {"items": items}, "created_at": now}
    await session.execute(
        dialect_insert(session)(AiCacheEntry).values(row).on_conflict_do_nothing(index_elements=["key"])
    )


# -- validation ----------------------------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def validate(item: Mapping[str, Any], lesson_id: int, kinds: Sequence[ProblemKind]) -> ProblemDraft | str:
    """A provider's problem as a DRAFT problem, or why it is rejected.

    The shape: {"kind", "prompt", "options": [text], "answers": [text], "rubric": [text],
    "explanation", "difficulty"}. Choice kinds name their correct options in `answers`; SHORT_TEXT
    lists accepted answers there, FREE_TEXT its reference answer."""
    try:
        kind = ProblemKind(str(item.get("kind", "")))
    except ValueError:
        return f"unknown kind {item.get('kind')!r}"
    if kind not in kinds:
        return f"{kind.value} was not asked for"
    prompt = item.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return "no prompt"
    options, answers, rubric = (
        _strings(item.get("options")),
        _strings(item.get("answers")),
        _strings(item.get("rubric")),
    )
    if not answers:
        return "no answer key"
    drafts: tuple[OptionDraft, ...] = ()
    if kind in (ProblemKind.SINGLE_CHOICE, ProblemKind.MULTIPLE_CHOICE):
        normalized = [normalize_text(option) for option in options]
        if len(set(normalized)) != len(normalized):
            return "options are not distinct"
        correct = {normalize_text(answer) for answer in answers}
        if not correct <= set(normalized):
            return "an answer is not among the options"
        if kind == ProblemKind.SINGLE_CHOICE and len(correct) != 1:
            return "a single-choice problem needs exactly one answer"
        drafts = tuple(OptionDraft(option, normalize_text(option) in correct) for option in options)
    difficulty = item.get("difficulty")
    draft = ProblemDraft(
        lesson_id=lesson_id,
        kind=kind,
        prompt=prompt.strip(),
        explanation=str(item.get("explanation") or "").strip(),
        difficulty=difficulty if isinstance(difficulty, int) and 1 <= difficulty <= 5 else 2,
        options=drafts,
        accepted_answers=answers if kind == ProblemKind.SHORT_TEXT else (),
        reference_answer=answers[0] if kind == ProblemKind.FREE_TEXT else None,
        rubric=rubric if kind == ProblemKind.FREE_TEXT else (),
        tags=(TAG,),
        status=ProblemStatus.DRAFT,
    )
    errors = problem_authoring.validate_problem(draft)
    return draft if not errors else errors[0].message


def select_drafts(
    items: Sequence[Mapping[str, Any]], lesson_id: int, kinds: Sequence[ProblemKind], count: int
) -> tuple[list[ProblemDraft], list[str]]:
    """The first `count` valid problems with distinct prompts, and why the others were rejected."""
    drafts: list[ProblemDraft] = []
    rejected: list[str] = []
    prompts: set[str] = set()
    for item in items:
        outcome = validate(item, lesson_id, kinds)
        if isinstance(outcome, str):
            rejected.append(outcome)
        elif normalize_text(outcome.prompt) in prompts:
            rejected.append("the same prompt twice")
        elif len(drafts) < count:
            prompts.add(normalize_text(outcome.prompt))
            drafts.append(outcome)
    return drafts, rejected


# -- storing -------------------------------------------------------------------------------------


def external_id(job_id: int, index: int) -> str:
    return f"ai-job-{job_id}-{index:03d}"


async def store(session: AsyncSession, job: Job, drafts: Sequence[ProblemDraft], now: datetime) -> list[int]:
    """Store the drafts (in order) as problems of the job's lesson, all in a few multi-row statements;
    ones stored by an earlier attempt of the job are found by external id, not stored again. Returns
    the problem ids, in order."""
    assert job.id is not None
    assert job.lesson_id is not None
    names = [external_id(job.id, index) for index in range(len(drafts))]
    query = select(col(Problem.external_id), col(Problem.id)).where(col(Problem.external_id).in_(names))
    existing: dict[str | None, int | None] = dict((await session.execute(query)).all())
    new = [_named(draft, name) for name, draft in zip(names, drafts, strict=True) if name not in existing]
    stored = await problem_authoring.write_problems(session, job.lesson_id, new, now)
    existing.update((problem.external_id, problem.id) for problem in stored)
    if len(stored) < len(new):  # another attempt stored some meanwhile: find them
        existing.update((await session.execute(query)).all())
    problem_ids: list[int] = []
    for name in names:
        problem_id = existing.get(name)
        assert problem_id is not None
        problem_ids.append(problem_id)
    return problem_ids


def _named(draft: ProblemDraft, name: str) -> ProblemDraft:
    return replace(draft, external_id=name)
