"""The openai provider against a real local HTTP server: 200, 429, 500, 401, 400, slow and malformed answers."""

from __future__ import annotations

import time

import pytest

from domain.ai.evaluation import EvaluationItem
from domain.models import ProblemKind
from domain.settings import Settings
from tests.workers.conftest import ChatServer, openai_settings
from workers.ai.base import ProviderError, ProviderUnavailable
from workers.ai.keys import KeyPool, Outcome, backoff
from workers.ai.openai import OpenAIProvider

pytestmark = pytest.mark.timeout(30)

ITEMS = [
    EvaluationItem("k1", "Why batch?", "One query for many keys.", ("query",), "It makes one query."),
    EvaluationItem("k2", "Why batch?", "One query for many keys.", ("query",), "No idea."),
]


def provider(chat: ChatServer, **changes: object) -> OpenAIProvider:
    return OpenAIProvider(openai_settings(Settings(), chat, **changes))


async def test_evaluation_returns_a_verdict_per_item_with_usage(chat: ChatServer) -> None:
    ai = provider(chat)

    evaluated = await ai.evaluate(ITEMS)
    await ai.close()

    assert {key: v.score for key, v in evaluated.verdicts.items()} == {"k1": 1.0, "k2": 0.25}
    assert evaluated.usage.requests == 1
    assert evaluated.usage.prompt_tokens > 0
    assert evaluated.usage.completion_tokens > 0
    assert chat.script.log == [("key-a", "evaluations", "ok")]


async def test_generation_asks_for_structured_json_and_returns_the_problems(chat: ChatServer) -> None:
    ai = provider(chat)

    generated = await ai.generate("The mean is the sum divided by the count.", 3, [ProblemKind.SINGLE_CHOICE])
    await ai.close()

    assert len(generated.items) == 3
    assert {item["kind"] for item in generated.items} == {"SINGLE_CHOICE"}
    assert generated.usage.requests == 1


async def test_a_throttled_key_fails_over_to_a_healthy_one(chat: ChatServer) -> None:
    chat.script.plan("key-a", "429", "429", "429")
    ai = provider(chat, ai_api_keys=["key-a", "key-b"])

    evaluated = await ai.evaluate(ITEMS)
    await ai.close()

    assert set(evaluated.verdicts) == {"k1", "k2"}
    assert chat.script.log == [("key-a", "evaluations", "429"), ("key-b", "evaluations", "ok")]
    assert [key.throttled for key in ai.pool.keys] == [1, 0]


async def test_server_errors_are_retried_with_backoff_on_the_same_key(chat: ChatServer) -> None:
    chat.script.plan("key-a", "500", "500")
    ai = provider(chat)

    evaluated = await ai.evaluate(ITEMS)
    await ai.close()

    assert len(evaluated.verdicts) == 2
    assert [behaviour for _, _, behaviour in chat.script.log] == ["500", "500", "ok"]
    assert ai.pool.keys[0].errors == 2


async def test_a_slow_answer_times_out_and_the_retry_succeeds(chat: ChatServer) -> None:
    chat.script.plan("key-a", "slow")
    chat.script.slow_seconds = 3.0
    ai = provider(chat, ai_timeout_seconds=0.3)
    started = time.monotonic()

    evaluated = await ai.evaluate(ITEMS)
    await ai.close()

    assert len(evaluated.verdicts) == 2
    assert time.monotonic() - started < 2.0  # did not wait for the slow answer
    assert ai.pool.keys[0].errors == 1


async def test_malformed_json_is_asked_again_and_counted_in_the_usage(chat: ChatServer) -> None:
    chat.script.plan("key-a", "malformed", "partial")
    ai = provider(chat)

    evaluated = await ai.evaluate(ITEMS)
    await ai.close()

    assert len(evaluated.verdicts) == 2
    assert evaluated.usage.requests == 3  # the malformed and the partial answers cost tokens too


async def test_answers_that_stay_malformed_are_a_provider_error(chat: ChatServer) -> None:
    chat.script.default = "malformed"
    ai = provider(chat, ai_max_retries=2)

    with pytest.raises(ProviderError) as raised:
        await ai.evaluate(ITEMS)
    await ai.close()

    assert not isinstance(raised.value, ProviderUnavailable)
    assert "nonsense" in str(raised.value)
    assert raised.value.usage.requests == 3


async def test_an_endpoint_that_keeps_failing_is_unavailable(chat: ChatServer) -> None:
    chat.script.default = "500"
    ai = provider(chat, ai_max_retries=3, ai_api_keys=["key-a", "key-b"])

    with pytest.raises(ProviderUnavailable) as raised:
        await ai.evaluate(ITEMS)
    await ai.close()

    assert "HTTP 500" in str(raised.value)
    assert chat.script.calls("500") == 4
    assert {key for key, _, _ in chat.script.log} == {"key-a", "key-b"}


async def test_a_refused_key_is_dropped_and_the_request_moves_on(chat: ChatServer) -> None:
    chat.script.plan("bad-key", "401")
    ai = provider(chat, ai_api_keys=["bad-key", "key-b"])

    first = await ai.evaluate(ITEMS)
    second = await ai.evaluate(ITEMS)
    await ai.close()

    assert len(first.verdicts) == len(second.verdicts) == 2
    assert [key for key, _, _ in chat.script.log] == ["bad-key", "key-b", "key-b"]
    assert ai.pool.keys[0].refused is True


async def test_when_every_key_is_refused_the_request_fails_at_once(chat: ChatServer) -> None:
    chat.script.default = "401"
    ai = provider(chat, ai_api_keys=["bad-1", "bad-2"])

    with pytest.raises(ProviderError, match="no usable API key"):
        await ai.evaluate(ITEMS)
    await ai.close()

    assert chat.script.calls() == 2


async def test_a_bad_request_is_not_retried(chat: ChatServer) -> None:
    chat.script.plan("key-a", "400")
    ai = provider(chat)

    with pytest.raises(ProviderError, match="HTTP 400"):
        await ai.evaluate(ITEMS)
    await ai.close()

    assert chat.script.calls() == 1


async def test_an_unreachable_endpoint_is_unavailable() -> None:
    ai = OpenAIProvider(
        Settings(
            ai_provider="openai",
            ai_base_url="http://127.0.0.1:9/v1",
            ai_api_keys=["key-a"],
            ai_max_retries=1,
            ai_backoff_seconds=0.01,
            ai_backoff_max_seconds=0.02,
        )
    )

    with pytest.raises(ProviderUnavailable, match="connection failed"):
        await ai.evaluate(ITEMS)
    await ai.close()


async def test_the_key_rate_limit_spaces_requests_on_one_key() -> None:
    moments: list[float] = []
    pool = KeyPool(["only"], requests_per_minute=1200)  # one request per 50 ms

    for _ in range(4):
        key = await pool.acquire()
        moments.append(time.monotonic())
        await pool.release(key, Outcome.OK)

    gaps = [later - earlier for earlier, later in zip(moments, moments[1:], strict=False)]
    assert all(gap >= 0.045 for gap in gaps), gaps


async def test_requests_spread_over_keys_least_busy_first() -> None:
    pool = KeyPool(["a", "b", "c"])

    taken = [await pool.acquire() for _ in range(3)]

    assert sorted(key.secret for key in taken) == ["a", "b", "c"]


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    assert backoff(1, 1.0, 10.0, rng=lambda: 0.0) == 0.5
    assert backoff(1, 1.0, 10.0, rng=lambda: 1.0) == 1.0
    assert backoff(3, 1.0, 10.0, rng=lambda: 1.0) == 4.0
    assert backoff(10, 1.0, 10.0, rng=lambda: 1.0) == 10.0
