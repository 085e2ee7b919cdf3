"""The in-process job runner: the job functions of workers/jobs.py, run as tasks of the API process
over its own backends (the embedded default, without Redis). The API's entry point hands it to the
backends (learnql/composition.py); with Redis, arq workers run the same functions instead.
"""

from __future__ import annotations

from typing import Any

from domain.backends import Backends, job_lanes
from domain.infra.job_queue import InProcessJobQueue, Periodic
from workers.ai import create_provider
from workers.jobs import FUNCTIONS, alerts_sweep, review_parameters_refit
from workers.runtime import Runtime


def in_process_queue(backends: Backends) -> InProcessJobQueue:
    settings = backends.settings
    shared: list[Runtime] = []  # one runtime (one provider) for all jobs, made on first use

    async def context() -> dict[str, Any]:
        if not shared:
            shared.append(Runtime(backends, create_provider(settings)))
        return {"runtime": shared[0]}

    async def closed() -> None:
        for runtime in shared:
            await runtime.close()

    return InProcessJobQueue(
        FUNCTIONS,
        context,
        max_tries=settings.job_max_tries,
        on_close=closed,
        autostart=settings.jobs_autostart,
        lanes=job_lanes(settings),
        # arq's workers run these from cron (workers/settings.py); a period of 0 or less never starts
        periodic=[
            Periodic(
                "review_parameters_refit", review_parameters_refit, settings.review_parameters_refit_interval_seconds
            ),
            # not at start-up (timers wait first): a restart loop must not sweep each time
            Periodic("alerts_sweep", alerts_sweep, settings.alerts_sweep_minutes * 60.0),
        ],
    )
