"""A small load generator: a fixed number of requests (or a duration) at a given concurrency."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0
    cpu: float = 0.0  # server CPU seconds over the sample
    bodies: list[Any] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def cpu_per_request(self) -> float:
        return self.cpu / max(1, self.count)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    @property
    def throughput(self) -> float:
        return self.count / self.wall if self.wall else 0.0


async def run(
    client: httpx.AsyncClient,
    url: str,
    body: Callable[[int], dict[str, Any]],
    *,
    concurrency: int,
    requests: int | None = None,
    seconds: float | None = None,
    headers: Callable[[int], dict[str, str]] | None = None,
    check: Callable[[dict[str, Any]], bool] | None = None,
    keep: bool = False,
) -> Sample:
    sample = Sample()
    counter = iter(range(10**9))
    deadline = time.monotonic() + seconds if seconds is not None else None

    async def worker() -> None:
        while True:
            index = next(counter)
            if requests is not None and index >= requests:
                return
            if deadline is not None and time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                response = await client.post(url, json=body(index), headers=headers(index) if headers else None)
                payload = response.json()
                ok = response.status_code == 200 and (check(payload) if check else "errors" not in payload)
            except (httpx.HTTPError, ValueError):
                ok, payload = False, None
            sample.latencies.append(time.perf_counter() - started)
            if not ok:
                sample.errors += 1
            if keep:
                sample.bodies.append((index, payload))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    sample.wall = time.perf_counter() - started
    return sample
