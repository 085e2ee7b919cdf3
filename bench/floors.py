"""The floors: bare Starlette routes that do the same database work with no GraphQL at all.

F0: the tiny viewer query as one asyncpg fetch + orjson. F1: the lesson page built as JSON by
PostgreSQL itself in one statement (json_agg) and returned as it is.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/learnql_bench")

LESSON_PAGE_SQL = """
SELECT json_build_object('data', json_build_object('course', json_build_object(
  'title', c.title,
  'lessons', json_build_object('edges', COALESCE((
    SELECT json_agg(json_build_object('node', json_build_object(
      'id', l.id, 'title', l.title, 'position', l.position,
      'viewerProgress', (SELECT json_build_object('bestScore', lp.best_score, 'attempts', lp.attempts,
                                                  'completed', lp.completed)
                         FROM lesson_progress lp WHERE lp.lesson_id = l.id AND lp.user_id = $2),
      'problems', COALESCE((
        SELECT json_agg(json_build_object(
          'id', p.id, 'kind', p.kind, 'prompt', p.prompt, 'difficulty', p.difficulty,
          'options', COALESCE((SELECT json_agg(json_build_object('id', o.id, 'text', o.text)
                                                ORDER BY o.position, o.id)
                               FROM options o WHERE o.problem_id = p.id), '[]'::json))
          ORDER BY p.position, p.id)
        FROM problems p WHERE p.lesson_id = l.id AND p.status = 'PUBLISHED'), '[]'::json)
    )) ORDER BY l.position, l.id)
    FROM (SELECT * FROM lessons WHERE course_id = c.id AND published ORDER BY position, id LIMIT 100) l
  ), '[]'::json))
)))::text
FROM courses c WHERE c.id = $1
"""


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(DSN, min_size=4, max_size=16)
    yield
    await app.state.pool.close()


async def viewer(request: Request) -> Response:
    body: dict[str, Any] = orjson.loads(await request.body())
    row = await request.app.state.pool.fetchrow("SELECT id, display_name FROM users WHERE id = $1", body["userId"])
    return Response(
        orjson.dumps({"data": {"viewer": {"id": row["id"], "displayName": row["display_name"]}}}),
        media_type="application/json",
    )


async def lesson_page(request: Request) -> Response:
    body: dict[str, Any] = orjson.loads(await request.body())
    text = await request.app.state.pool.fetchval(LESSON_PAGE_SQL, body["courseId"], body["userId"])
    return Response(text, media_type="application/json")


app = Starlette(
    routes=[Route("/viewer", viewer, methods=["POST"]), Route("/lesson-page", lesson_page, methods=["POST"])],
    lifespan=lifespan,
)
