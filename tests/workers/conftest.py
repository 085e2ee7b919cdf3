"""Fixtures of the worker tests: the scripted chat-completions server and runtimes over the test database."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.chat_server import Script
from bench.chat_server import create_app as create_chat_app
from domain.backends import Backends
from domain.settings import Settings
from workers.ai.base import Provider
from workers.ai.local import LocalProvider
from workers.runtime import Runtime


@dataclass
class ChatServer:
    url: str  # the base URL, ending in /v1
    script: Script


@pytest.fixture
async def chat() -> AsyncIterator[ChatServer]:
    """A real HTTP server on 127.0.0.1 speaking chat completions, in the test's event loop."""
    script = Script()
    config = uvicorn.Config(create_chat_app(script), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield ChatServer(f"http://127.0.0.1:{port}/v1", script)
    server.should_exit = True
    await asyncio.wait_for(task, 10)


def openai_settings(settings: Settings, chat: ChatServer, **changes: object) -> Settings:
    """Settings for the openai provider against the test server, with short timeouts and backoff."""
    defaults: dict[str, object] = {
        "ai_provider": "openai",
        "ai_base_url": chat.url,
        "ai_model": "test-model",
        "ai_api_keys": ["key-a"],
        "ai_timeout_seconds": 2.0,
        "ai_backoff_seconds": 0.01,
        "ai_backoff_max_seconds": 0.05,
        "ai_price_per_1k_prompt_tokens": 0.5,
        "ai_price_per_1k_completion_tokens": 1.5,
    }
    return settings.model_copy(update=defaults | changes)


@pytest.fixture
async def make_runtime(engine: AsyncEngine, now: datetime) -> AsyncIterator[Callable[..., Runtime]]:
    """Runtimes over the test database (the embedded backends: in-process broker, memory cache, no
    job queue) with the provider given."""
    made: list[Runtime] = []

    def make(settings: Settings, provider: Provider | None = None) -> Runtime:
        backends = Backends(settings=settings, engine=engine, clock=lambda: now)
        runtime = Runtime(backends, provider or LocalProvider())
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        await runtime.close()
        await runtime.backends.close()


ROOT = Path(__file__).resolve().parents[2]


async def start_worker(env: dict[str, str], *, burst: bool = True) -> asyncio.subprocess.Process:
    """A real arq worker process: `arq workers.settings.WorkerSettings` with these LEARNQL_* settings."""
    command = [sys.executable, "-m", "arq", "workers.settings.WorkerSettings", *(["--burst"] if burst else [])]
    return await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=os.environ | env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )


async def run_burst_worker(env: dict[str, str]) -> str:
    """Run a burst-mode worker until its queue is empty; returns its log."""
    process = await start_worker(env)
    assert process.stdout is not None
    lines: list[bytes] = []

    async def read() -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            lines.append(line)
        await process.wait()

    try:
        await asyncio.wait_for(read(), timeout=90)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail("the burst worker did not finish within 90 s; its log:\n" + b"".join(lines).decode())
    output = b"".join(lines)
    log = output.decode()
    assert process.returncode == 0, log
    return log


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a worker process the same database, Redis and key prefix."""
    assert settings.redis_url is not None
    return {
        "LEARNQL_DATABASE_URL": settings.database_url,
        "LEARNQL_REDIS_URL": settings.redis_url,
        "LEARNQL_REDIS_PREFIX": settings.redis_prefix,
        "LEARNQL_JWT_SECRET": settings.jwt_secret,
        "LEARNQL_DB_POOL_SIZE": "5",
    }
