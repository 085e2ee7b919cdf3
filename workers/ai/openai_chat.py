"""Streamed chat completions for the tutor on an OpenAI-compatible endpoint (`stream: true`, SSE).

The same key pool as the structured requests: a 429 cools its key down and the request moves on,
5xx answers, timeouts and connection errors are retried with backoff, 401/403 drop the key, other
4xx fail at once. Retries happen only before the first token: once text has been streamed to the
learner a retry would write a different reply under it, so a stream that breaks off fails with
ProviderError (the reply keeps its partial text). The first token must come within
`ai_first_token_timeout_seconds`; after it every chunk within `ai_timeout_seconds`.

Usage comes from the final chunk (`stream_options.include_usage`); an endpoint that does not send it,
or a stream that broke off, is charged an estimate of four characters a token.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

import httpx

from domain.jobs.records import Usage
from domain.tutor.prompt import TutorRequest
from workers.ai.base import ProviderError, ProviderUnavailable
from workers.ai.keys import NoUsableKey, Outcome

if TYPE_CHECKING:
    from workers.ai.openai import OpenAIProvider

log = logging.getLogger("learnql.ai")

CHARS_PER_TOKEN = 4


class BrokenOff(Exception):
    """The stream ended or failed after some text."""


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["retry-after"]))
    except (KeyError, ValueError):
        return None


def parse_event(line: str) -> dict[str, Any] | None | str:
    """One SSE line: a chunk (dict), "[DONE]", or None for blank lines, comments and other fields."""
    if not line.startswith("data:"):
        return None
    data = line[5:].strip()
    if data == "[DONE]":
        return data
    try:
        chunk = json.loads(data)
    except json.JSONDecodeError:
        return None
    return chunk if isinstance(chunk, dict) else None


def delta_of(chunk: dict[str, Any]) -> tuple[str, bool]:
    """The chunk's text and whether it says the reply is finished."""
    try:
        choice = chunk["choices"][0]
    except (KeyError, IndexError, TypeError):
        return "", False
    text = (choice.get("delta") or {}).get("content") or ""
    return str(text), choice.get("finish_reason") is not None


def usage_of(chunk: dict[str, Any]) -> Usage | None:
    usage = chunk.get("usage")
    if not isinstance(usage, dict):
        return None
    return Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0), 1)


def estimate(messages: list[dict[str, str]], written: int) -> Usage:
    prompt = sum(len(message["content"]) for message in messages)
    return Usage(prompt // CHARS_PER_TOKEN + 1, written // CHARS_PER_TOKEN + (1 if written else 0), 1)


async def stream(provider: OpenAIProvider, request: TutorRequest) -> AsyncGenerator[str | Usage, None]:
    settings = provider.settings
    messages = request.messages()
    payload = {
        "model": settings.ai_model,
        "messages": messages,
        "max_tokens": request.max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    spent = Usage()
    last = "no attempt"
    for _ in range(settings.ai_max_retries + 1):
        try:
            key = await provider.pool.acquire()
        except NoUsableKey as error:
            raise ProviderError(str(error), spent) from error
        headers = {"Authorization": f"Bearer {key.secret}"}
        written = 0
        usage: Usage | None = None
        finished = False
        try:
            async with provider.client.stream("POST", provider.url, json=payload, headers=headers) as response:
                status = response.status_code
                if status != 200:
                    await response.aread()
                    if status == 429:
                        await provider.pool.release(key, Outcome.THROTTLED, _retry_after(response))
                    elif status in (401, 403):
                        await provider.pool.release(key, Outcome.REFUSED)
                        log.warning("the AI provider refused %s (HTTP %d); it is not used again", key.label, status)
                    elif status >= 500 or status == 408:
                        await provider.pool.release(key, Outcome.FAILED)
                    else:
                        await provider.pool.release(key, Outcome.OK)
                        text = response.text[:300]
                        raise ProviderError(f"the AI provider refused the request: HTTP {status} {text}", spent)
                    last = f"HTTP {status}"
                    continue
                lines = response.aiter_lines()
                while True:
                    if written:
                        line = await anext(lines, None)
                    else:
                        waiting = anext(lines, None)
                        line = await asyncio.wait_for(waiting, settings.ai_first_token_timeout_seconds)
                    if line is None:
                        break
                    event = parse_event(line)
                    if event == "[DONE]":
                        finished = True
                        break
                    if not isinstance(event, dict):
                        continue
                    usage = usage_of(event) or usage
                    text, done = delta_of(event)
                    finished = finished or done
                    if text:
                        written += len(text)
                        yield text
                if not finished:
                    raise BrokenOff("the stream ended before the reply was finished")
        except (httpx.TimeoutException, TimeoutError, httpx.TransportError, BrokenOff) as error:
            await provider.pool.release(key, Outcome.FAILED)
            reason = (
                "timed out"
                if isinstance(error, httpx.TimeoutException | TimeoutError)
                else str(error) or error.__class__.__name__
            )
            if written:
                raise ProviderError(
                    f"the AI provider broke off the reply ({reason})", spent + estimate(messages, written)
                ) from error
            spent += Usage(requests=1)
            last = reason
            continue
        await provider.pool.release(key, Outcome.OK)
        yield spent + (usage or estimate(messages, written))
        return
    raise ProviderUnavailable(f"the AI provider is unavailable ({last})", spent)
