"""The arq entry point reads no settings at import: `WorkerSettings` is built from them when arq
looks it up, and the worker's connections open in its `on_startup`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from domain.alerts.requests import EVALUATE_FUNCTION
from domain.backends import job_lanes
from domain.settings import Settings
from workers.jobs import alerts_sweep, jobs_sweep
from workers.settings import tutor_worker_settings, worker_settings

ROOT = Path(__file__).resolve().parents[2]
LOOK_UP = "import workers.settings as s; print('imported', flush=True); s.WorkerSettings"


def test_importing_the_worker_settings_reads_no_settings_until_arq_looks_them_up() -> None:
    env = os.environ | {"LEARNQL_DB_POOL_SIZE": "not a number"}

    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", LOOK_UP], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert done.stdout == "imported\n"  # the import went through with broken settings
    assert done.returncode == 1
    assert "db_pool_size" in done.stderr  # the lookup read them


def test_the_worker_settings_follow_the_settings_they_are_built_from() -> None:
    settings = Settings(redis_url="redis://127.0.0.1:6379/5", redis_prefix="tenant-a:", job_max_tries=5)

    built = worker_settings(settings)

    assert (built["queue_name"], built["max_tries"]) == ("tenant-a:jobs", 5)
    assert built["redis_settings"].database == 5
    assert [job.name for job in built["cron_jobs"]] == [
        "cron:tenant-a:jobs_sweep",
        "cron:tenant-a:review_parameters_refit",
        "cron:tenant-a:alerts_sweep",
    ]
    assert built["cron_jobs"][0].coroutine is jobs_sweep


def names(functions: list[Any]) -> list[str]:
    """arq's names of the functions: a coroutine's own, or that of its `arq.func` wrapper."""
    return [getattr(function, "name", None) or function.__name__ for function in functions]


def test_the_tutor_worker_settings_run_only_tutor_replies_on_their_own_queue() -> None:
    settings = Settings(redis_url="redis://127.0.0.1:6379/5", redis_prefix="tenant-a:", tutor_concurrency=40)

    tutor, main = tutor_worker_settings(settings), worker_settings(settings)

    assert names(tutor["functions"]) == ["tutor_reply"]
    assert "tutor_reply" not in names(main["functions"])
    assert (tutor["queue_name"], tutor["max_jobs"], tutor["max_tries"]) == ("tenant-a:jobs:tutor", 40, 1)
    assert tutor["queue_name"] == job_lanes(settings)["tutor_reply"].queue_name  # where the API sends replies


def test_the_alerts_sweep_runs_every_so_many_minutes_or_hours_or_never() -> None:
    def sweeps(minutes: int) -> list[Any]:
        built = worker_settings(Settings(redis_url="redis://127.0.0.1:6379/5", alerts_sweep_minutes=minutes))
        return [job for job in built["cron_jobs"] if job.coroutine is alerts_sweep]

    [quarterly] = sweeps(15)
    [every_two_hours] = sweeps(120)

    assert (quarterly.minute, quarterly.hour) == ({0, 15, 30, 45}, None)
    assert (every_two_hours.minute, every_two_hours.hour) == ({0}, set(range(0, 24, 2)))
    assert sweeps(0) == []


def test_an_alert_evaluation_keeps_no_result_so_the_next_request_for_the_student_is_queued() -> None:
    built = worker_settings(Settings(redis_url="redis://127.0.0.1:6379/5"))

    [evaluate] = [function for function in built["functions"] if getattr(function, "name", None) == EVALUATE_FUNCTION]

    assert evaluate.keep_result_s == 0
