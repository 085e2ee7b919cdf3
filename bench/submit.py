"""Workload 5: submitAnswers at concurrency 32, then the books are checked in the database.

`learners` and `concurrency` shape it: 64 learners by default (load spread over many users), or,
say, 1 learner x 8 clients (one learner's tabs and devices, all writing the same user row)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench import load
from bench.seed import BENCH_URL, Seeded
from bench.servers import Server
from graph.ids import encode

SUBMIT = """
mutation Submit($input: SubmitAnswersInput!) {
  submitAnswers(input: $input) { replayed errors { code } submission { id xpAwarded } }
}"""

CHECKS = """
SELECT
  (SELECT count(*) FROM submissions) AS submissions,
  (SELECT count(*) FROM users u WHERE u.xp <> (SELECT coalesce(sum(amount), 0) FROM xp_events e WHERE e.user_id = u.id)) AS xp_mismatch,
  (SELECT count(*) FROM (SELECT user_id, ref FROM xp_events GROUP BY user_id, reason, ref HAVING count(*) > 1) d) AS double_awards,
  (SELECT count(*) FROM (
      SELECT a.user_id, a.problem_id FROM answers a WHERE a.correct GROUP BY a.user_id, a.problem_id
   ) c) AS first_correct,
  (SELECT count(*) FROM xp_events WHERE reason = 'answer') AS answer_awards
"""


async def _checks() -> Any:
    engine = create_async_engine(BENCH_URL)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(CHECKS))).mappings().one()
    finally:
        await engine.dispose()


async def submit_workload(
    server: Server, seeded: Seeded, seconds: float, *, learners: int | None = None, concurrency: int = 32
) -> dict[str, Any]:
    shape = seeded.submit
    tokens = seeded.learner_tokens[:learners]
    before = (await _checks())["submissions"]  # variants run one after another on the same database
    run_id = f"{len(tokens)}x{concurrency}-{before}"
    lesson_id = encode("Lesson", shape.lesson_ids[0])
    rng = random.Random(7)
    sent: list[tuple[int, dict[str, Any]]] = []

    def body(index: int) -> dict[str, Any]:
        # One request in ten replays an earlier one exactly: it must come back replayed, not doubled.
        if sent and index % 10 == 9:
            user, variables = sent[rng.randrange(len(sent))]
            return {"query": SUBMIT, "variables": variables, "_user": user}
        user = index % len(tokens)
        answers = [
            {
                "problemId": encode("Problem", pid),
                "optionIds": [encode("Option", shape.correct_option[pid] + (0 if rng.random() < 0.6 else 1))],
            }
            for pid in shape.problem_ids
        ]
        variables = {"input": {"lessonId": lesson_id, "idempotencyKey": f"bench-{run_id}-{index}", "answers": answers}}
        sent.append((user, variables))
        return {"query": SUBMIT, "variables": variables, "_user": user}

    users: dict[int, int] = {}

    def headers(index: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[users.pop(index)]}"}

    def make(index: int) -> dict[str, Any]:
        payload = body(index)
        users[index] = payload.pop("_user")
        return payload

    def ok(payload: dict[str, Any]) -> bool:
        result = payload.get("data", {}).get("submitAnswers") if isinstance(payload.get("data"), dict) else None
        if not result:
            return False
        return not result["errors"] and result["submission"] is not None

    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=64)) as client:
        cpu = server.cpu_seconds()
        sample = await load.run(
            client,
            server.url + "/graphql",
            make,
            concurrency=concurrency,
            seconds=seconds,
            headers=headers,
            check=ok,
            keep=True,
        )
        sample.cpu = server.cpu_seconds() - cpu
    fresh = sum(1 for _, p in sample.bodies if p and ok(p) and not p["data"]["submitAnswers"]["replayed"])
    replayed = sum(1 for _, p in sample.bodies if p and ok(p) and p["data"]["submitAnswers"]["replayed"])
    failed = Counter(_failure(payload) for _, payload in sample.bodies if not (payload and ok(payload)))
    row = await _checks()
    stored = row["submissions"] - before
    return {
        "learners": len(tokens),
        "concurrency": concurrency,
        "requests": sample.count,
        "fresh": fresh,
        "replayed": replayed,
        "per_second": fresh / sample.wall if sample.wall else 0.0,
        "p50_ms": sample.p50 * 1000,
        "p99_ms": sample.percentile(0.99) * 1000,
        "errors": sample.errors,
        "lost": max(0, fresh - stored),
        "doubled": max(0, stored - fresh) + row["double_awards"],
        # XP only for a first correct answer given before the solution was shown (docs/rules/xp.md): at
        # most one award per problem answered correctly, each user's total the sum of their awards
        "xp_consistent": row["xp_mismatch"] == 0 and row["answer_awards"] <= row["first_correct"],
        "cpu_ms_per_request": sample.cpu / max(1, sample.count) * 1000,
        "error_codes": dict(failed),  # what the failed requests said, so an error count can be read
    }


def _failure(payload: Any) -> str:
    """A failed response in a word: its error codes, or why there is none."""
    if not isinstance(payload, dict):
        return "no response"  # a transport error or a body that is not JSON
    codes = [str(e.get("extensions", {}).get("code")) for e in payload.get("errors") or []]
    result = (payload.get("data") or {}).get("submitAnswers") or {}
    codes += [str(e.get("code")) for e in result.get("errors") or []]
    return ",".join(sorted(set(codes))) or "no submission"
