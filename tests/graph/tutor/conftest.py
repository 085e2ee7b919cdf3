"""A real uvicorn server for the tutor (the subscriptions' one), with replies slow enough to watch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.infra.job_queue import InProcessJobQueue
from domain.settings import Settings
from tests.graph.realtime.subscriptions.conftest import Server, app_for, now, realtime_settings, serve
from tests.workers.conftest import ChatServer, chat, openai_settings, run_burst_worker, worker_env

__all__ = ["chat", "now", "realtime_settings"]

TUNING: dict[str, object] = {
    "ai_local_stream_delay_ms": 20,
    "tutor_publish_interval_ms": 50,
    "tutor_save_interval_ms": 50,
}


@pytest.fixture
async def tutor_server(realtime_settings: Settings, engine: AsyncEngine, now: datetime) -> AsyncIterator[Server]:
    settings = realtime_settings.model_copy(update=TUNING)
    async with serve(app_for(settings, engine, now), settings) as running:
        yield running


@pytest.fixture
async def openai_server(
    realtime_settings: Settings, engine: AsyncEngine, now: datetime, chat: ChatServer
) -> AsyncIterator[Server]:
    """The tutor on the openai provider, against the scripted chat server (never the network)."""
    settings = openai_settings(realtime_settings.model_copy(update=TUNING), chat, ai_max_retries=1)
    chat.script.stream_delay = 0.02
    async with serve(app_for(settings, engine, now), settings) as running:
        yield running


def tuning_env(settings: Settings) -> dict[str, str]:
    names = [
        *TUNING,
        "ai_provider",
        "ai_base_url",
        "ai_model",
        "ai_max_retries",
        "ai_timeout_seconds",
        "ai_backoff_seconds",
        "ai_backoff_max_seconds",
        "limit_tutor_messages_per_user",
    ]
    values = {name: getattr(settings, name) for name in names}
    return {f"LEARNQL_{name.upper()}": str(value) for name, value in values.items()} | {
        "LEARNQL_AI_API_KEYS": ",".join(settings.ai_api_keys)
    }


@asynccontextmanager
async def jobs_running(server: Server) -> AsyncIterator[None]:
    """The queued replies written while the block runs: by the in-process runner (SQLite), or by a real
    arq tutor worker process over Redis (PostgreSQL)."""
    if isinstance(server.services.jobs, InProcessJobQueue):
        task = asyncio.create_task(server.services.jobs.drain())
    else:
        env = worker_env(server.settings) | tuning_env(server.settings)
        task = asyncio.create_task(run_burst_worker(env, kind="TutorWorkerSettings"))
    try:
        yield
    finally:
        await asyncio.wait_for(task, 90)
