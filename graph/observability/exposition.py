"""GET /metrics: the Prometheus text format, for one process or all the processes of `learnql serve
--workers N` (prometheus-client's multiprocess mode, when PROMETHEUS_MULTIPROC_DIR is set).

Most series are recorded where things happen (domain/infra/metrics.py). The job backlog is a
snapshot read at scrape time instead: it is the database's state, the same whichever process is
asked, so it is computed by the one that answers and never written to the shared files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response

from domain.infra.logs import get_logger
from domain.jobs.backlog import Backlog, backlog

if TYPE_CHECKING:
    from graph.context import Services

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
log = get_logger("learnql.metrics")


class BacklogCollector:
    def __init__(self, found: Backlog) -> None:
        self._backlog = found

    def collect(self) -> Iterable[Metric]:
        jobs = GaugeMetricFamily(
            "learnql_jobs_backlog", "Jobs waiting (QUEUED) and running (RUNNING) by kind.", labels=["kind", "status"]
        )
        for (kind, status), count in sorted(self._backlog.counts.items()):
            jobs.add_metric([kind, status.lower()], count)
        oldest = GaugeMetricFamily(
            "learnql_jobs_oldest_queued_age_seconds", "How long the oldest QUEUED job has waited (0: none waits)."
        )
        oldest.add_metric([], self._backlog.oldest_queued_seconds)
        return [jobs, oldest]


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_ENV))


def render(snapshot: Backlog | None) -> bytes:
    if multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if snapshot is not None:
        extra = CollectorRegistry()
        extra.register(BacklogCollector(snapshot))
        body += generate_latest(extra)
    return body


async def metrics_endpoint(services: Services) -> Response:
    """The metrics, and the backlog if the database answers (the rest is worth having without it)."""
    snapshot: Backlog | None = None
    try:
        async with services.readers() as session:
            snapshot = await backlog(session, services.clock())
    except Exception as error:
        log.warning("metrics.backlog_unavailable", error=str(error))
    # 0.0.4: what every Prometheus version reads; our names need nothing newer (no UTF-8 names).
    return Response(render(snapshot), media_type=CONTENT_TYPE_PLAIN_0_0_4)
