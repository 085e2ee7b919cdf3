"""Any OpenAI-compatible chat-completions endpoint (OpenAI, Gemini's compatible endpoint, Ollama, vLLM).

Requests ask for JSON structured output (`response_format: json_schema`, strict). Every request goes
through the key pool: a 429 cools its key down (honouring Retry-After) and the request moves to a
healthy key; 5xx answers, timeouts and connection errors cool the key down with exponential backoff
and are retried; 401/403 drop the key; other 4xx answers fail the request at once. An answer that is
not the JSON asked for is retried too. After `ai_max_retries` retries the request fails: with
ProviderUnavailable (the job retries later) when the endpoint kept failing, ProviderError when it
kept answering nonsense. Token usage is summed over every answered request, malformed ones included.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any, TypeVar

import httpx

from domain.ai.evaluation import Evaluated, EvaluationItem, Verdict
from domain.ai.generation import Generated
from domain.infra import metrics
from domain.jobs.records import Usage
from domain.models import ProblemKind
from domain.settings import Settings
from domain.tutor.prompt import TutorRequest
from workers.ai import openai_chat
from workers.ai.base import Provider, ProviderError, ProviderUnavailable
from workers.ai.keys import ApiKey, KeyPool, NoUsableKey, Outcome

log = logging.getLogger("learnql.ai")
T = TypeVar("T")

GENERATION_SYSTEM = (
    "You write assessment problems from study material. Use only facts stated in the material. "
    "For SINGLE_CHOICE list the options and put the one correct option's exact text in `answers`; "
    "for MULTIPLE_CHOICE put every correct option's exact text in `answers`; options must be distinct. "
    "For SHORT_TEXT leave `options` empty and list the accepted short answers in `answers`. "
    "For FREE_TEXT leave `options` empty, give a model answer as the only entry of `answers` and 2-4 "
    "keywords a good answer mentions in `rubric`. Difficulty is 1 (recall) to 5 (transfer)."
)
EVALUATION_SYSTEM = (
    "You grade learners' free-text answers. For each item compare the answer with the reference answer "
    "and the rubric keywords: score 1 for a complete, correct answer, 0 for a wrong or empty one, partial "
    "credit in between. Judge meaning, not wording. Feedback: one or two sentences to the learner. "
    "Return one evaluation per item, with the item's id."
)

_STRINGS = {"type": "array", "items": {"type": "string"}}
PROBLEMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["problems"],
    "properties": {
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind", "prompt", "options", "answers", "rubric", "explanation", "difficulty"],
                "properties": {
                    "kind": {"type": "string", "enum": [kind.value for kind in ProblemKind]},
                    "prompt": {"type": "string"},
                    "options": _STRINGS,
                    "answers": _STRINGS,
                    "rubric": _STRINGS,
                    "explanation": {"type": "string"},
                    "difficulty": {"type": "integer"},
                },
            },
        }
    },
}
EVALUATIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["evaluations"],
    "properties": {
        "evaluations": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "score", "feedback"],
                "properties": {"id": {"type": "string"}, "score": {"type": "number"}, "feedback": {"type": "string"}},
            },
        }
    },
}


class Malformed(ValueError):
    """The answer is not the JSON that was asked for."""


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["retry-after"]))
    except (KeyError, ValueError):
        return None


def _usage(body: Any) -> Usage:
    usage = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(usage, dict):
        return Usage(requests=1)
    return Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0), 1)


def _content(body: Any) -> dict[str, Any]:
    try:
        content = body["choices"][0]["message"]["content"]
        parsed = json.loads(content)
    except (KeyError, IndexError, TypeError, json.JSONDecodeError) as error:
        raise Malformed(f"no JSON content in the answer ({error.__class__.__name__})") from error
    if not isinstance(parsed, dict):
        raise Malformed("the JSON content is not an object")
    return parsed


class OpenAIProvider(Provider):
    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None) -> None:
        self._settings = self.settings = settings
        self._url = self.url = settings.ai_base_url.rstrip("/") + "/chat/completions"
        self._client = self.client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(settings.ai_timeout_seconds),
            # the jobs' requests, and a streamed tutor reply per slot of the tutor lane
            limits=httpx.Limits(max_connections=max(16, settings.ai_concurrency * 2) + settings.tutor_concurrency),
        )
        self.pool = KeyPool(
            settings.ai_api_keys,
            settings.ai_key_requests_per_minute,
            backoff_seconds=settings.ai_backoff_seconds,
            backoff_max_seconds=settings.ai_backoff_max_seconds,
        )

    @property
    def identity(self) -> str:
        return f"openai:{self._settings.ai_model}"

    async def close(self) -> None:
        await self._client.aclose()

    def chat(self, request: TutorRequest) -> AsyncGenerator[str | Usage, None]:
        return openai_chat.stream(self, request)

    def _count(self, key: ApiKey, outcome: str) -> None:
        """learnql_ai_requests_total by the key's 1-based position in LEARNQL_AI_API_KEYS, never the key."""
        metrics.AI_REQUESTS.labels("openai", key.label.removeprefix("key#"), outcome).inc()

    def _spend(self, usage: Usage) -> None:
        metrics.AI_TOKENS.labels("openai", "prompt").inc(usage.prompt_tokens)
        metrics.AI_TOKENS.labels("openai", "completion").inc(usage.completion_tokens)
        metrics.AI_COST.labels("openai").inc(usage.cost(self._settings))

    async def complete(
        self, system: str, user: dict[str, Any], name: str, schema: dict[str, Any], parse: Callable[[dict[str, Any]], T]
    ) -> tuple[T, Usage]:
        """One structured chat completion, parsed by `parse` (which raises Malformed to have it asked
        again), and the usage of every attempt."""
        payload = {
            "model": self._settings.ai_model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": json.dumps(user, ensure_ascii=False)},
            ],
            "response_format": {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}},
        }
        spent = Usage()
        last, nonsense = "no attempt", False
        for _ in range(self._settings.ai_max_retries + 1):
            try:
                key = await self.pool.acquire()
            except NoUsableKey as error:
                raise ProviderError(str(error), spent) from error
            headers = {"Authorization": f"Bearer {key.secret}"}
            try:
                response = await self._client.post(self._url, json=payload, headers=headers)
            except httpx.TimeoutException:
                self._count(key, "failed")
                await self.pool.release(key, Outcome.FAILED)
                last, nonsense = f"timed out after {self._settings.ai_timeout_seconds:g}s", False
                continue
            except httpx.TransportError as error:
                self._count(key, "failed")
                await self.pool.release(key, Outcome.FAILED)
                last, nonsense = f"connection failed: {error.__class__.__name__}", False
                continue
            status = response.status_code
            if status == 200:
                await self.pool.release(key, Outcome.OK)
                try:
                    body = response.json()
                except ValueError:
                    body = None
                usage = _usage(body)
                spent += usage
                self._spend(usage)
                try:
                    result = parse(_content(body))
                except Malformed as error:
                    self._count(key, "malformed")
                    last, nonsense = f"malformed answer: {error}", True
                    continue
                self._count(key, "ok")
                return result, spent
            if status == 429:
                self._count(key, "throttled")
                await self.pool.release(key, Outcome.THROTTLED, _retry_after(response))
            elif status in (401, 403):
                self._count(key, "refused")
                await self.pool.release(key, Outcome.REFUSED)
                log.warning("the AI provider refused %s (HTTP %d); it is not used again", key.label, status)
            elif status >= 500 or status == 408:
                self._count(key, "failed")
                await self.pool.release(key, Outcome.FAILED)
            else:
                self._count(key, "rejected")
                await self.pool.release(key, Outcome.OK)
                raise ProviderError(f"the AI provider refused the request: HTTP {status} {response.text[:300]}", spent)
            last, nonsense = f"HTTP {status}", False
        if nonsense:
            raise ProviderError(f"the AI provider kept answering nonsense ({last})", spent)
        raise ProviderUnavailable(f"the AI provider is unavailable ({last})", spent)

    async def generate(self, text: str, count: int, kinds: Sequence[ProblemKind]) -> Generated:
        user = {"task": "Write problems about the material.", "count": count, "kinds": [k.value for k in kinds]}

        def parse(content: dict[str, Any]) -> list[dict[str, Any]]:
            problems = content.get("problems")
            if not isinstance(problems, list):
                raise Malformed("no list of problems")
            return [item for item in problems if isinstance(item, dict)]

        items, usage = await self.complete(
            GENERATION_SYSTEM, user | {"material": text}, "problems", PROBLEMS_SCHEMA, parse
        )
        return Generated(items, usage)

    async def evaluate(self, items: Sequence[EvaluationItem]) -> Evaluated:
        wanted = {item.key for item in items}
        user = {
            "items": [
                {
                    "id": item.key,
                    "question": item.question,
                    "reference": item.reference_answer,
                    "rubric": list(item.rubric),
                    "answer": item.answer,
                }
                for item in items
            ]
        }

        def parse(content: dict[str, Any]) -> dict[str, Verdict]:
            """Every item judged, or the answer is asked for again: no grade from a partial reply."""
            verdicts: dict[str, Verdict] = {}
            for entry in content.get("evaluations") or []:
                if isinstance(entry, dict) and entry.get("id") in wanted:
                    try:
                        verdicts[str(entry["id"])] = Verdict(float(entry["score"]), str(entry.get("feedback") or ""))
                    except (KeyError, TypeError, ValueError) as error:
                        raise Malformed(f"a bad evaluation: {error}") from error
            if len(verdicts) != len(wanted):
                raise Malformed(f"{len(verdicts)} of {len(wanted)} answers judged")
            return verdicts

        verdicts, usage = await self.complete(EVALUATION_SYSTEM, user, "evaluations", EVALUATIONS_SCHEMA, parse)
        return Evaluated(verdicts, usage)
