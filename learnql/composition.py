"""The composition root of the API process: its backends, with the job runner of the embedded default.

domain/backends.py chooses every backend from the settings (cache, broker, leaderboard store, job
queue: in-process, or arq with LEARNQL_REDIS_URL). The one piece it cannot choose on its own is
what an in-process runner runs: the job functions live in workers/, which graph/ and domain/ do not
import. This module hands them over (workers/in_process.py), so the API runs the same job
functions as an arq worker would. An arq worker composes itself in workers/settings.py from the
same domain/backends.py.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.infra.database import create_engine
from domain.settings import Settings, get_settings
from graph.app import LearnQL, build_app
from graph.context import Services
from workers.in_process import in_process_queue


def api_services(settings: Settings | None = None, engine: AsyncEngine | None = None) -> Services:
    """The API's services; over `engine` when given (tests), else over an engine of their own."""
    settings = settings or get_settings()
    settings.check_production()
    return Services(
        settings=settings,
        engine=engine or create_engine(settings),
        owns_engine=engine is None,
        in_process_jobs=in_process_queue,
    )


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> LearnQL:
    """The API app (also uvicorn's factory: `uvicorn learnql.composition:create_app --factory`)."""
    return build_app(api_services(settings, engine))
