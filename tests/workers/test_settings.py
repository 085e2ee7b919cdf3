"""The arq entry point reads no settings at import: `WorkerSettings` is built from them when arq
looks it up, and the worker's connections open in its `on_startup`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from domain.backends import job_lanes
from domain.settings import Settings
from workers.jobs import jobs_sweep
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
    ]
    assert built["cron_jobs"][0].coroutine is jobs_sweep


def test_the_tutor_worker_settings_run_only_tutor_replies_on_their_own_queue() -> None:
    settings = Settings(redis_url="redis://127.0.0.1:6379/5", redis_prefix="tenant-a:", tutor_concurrency=40)

    tutor, main = tutor_worker_settings(settings), worker_settings(settings)

    assert [function.__name__ for function in tutor["functions"]] == ["tutor_reply"]
    assert "tutor_reply" not in [function.__name__ for function in main["functions"]]
    assert (tutor["queue_name"], tutor["max_jobs"], tutor["max_tries"]) == ("tenant-a:jobs:tutor", 40, 1)
    assert tutor["queue_name"] == job_lanes(settings)["tutor_reply"].queue_name  # where the API sends replies
