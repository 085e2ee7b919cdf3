"""The image and compose.yaml, without a container engine (none runs here): compose.yaml validated
against the compose specification's JSON schema (the copy check-jsonschema ships) and read for what
it must do; the Dockerfile's uv commands run, as written, on a clean copy of what the build context
holds (.dockerignore applied), and the result serves the CLI."""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())  # resolves the `<<` merges
    return document


def test_compose_file_follows_the_compose_specification() -> None:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml"]

    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)  # noqa: S603

    assert result.returncode == 0, result.stdout + result.stderr


def test_api_and_worker_run_the_built_image_after_a_one_shot_migration() -> None:
    services = compose()["services"]
    migrate, api, worker = services["migrate"], services["api"], services["worker"]

    assert migrate["command"] == ["learnql", "migrate"]
    assert migrate["restart"] == "no"
    for service in (migrate, api, worker):
        assert service["build"] == "."
        assert "volumes" not in service  # the code is in the image, not mounted
        assert service["environment"]["LEARNQL_LOG_FORMAT"] == "json"
    for service in (api, worker):
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert service["restart"] == "on-failure"
    assert "/ready" in " ".join(api["healthcheck"]["test"])
    assert "--workers" in api["command"]
    assert worker["command"][:2] == ["arq", "workers.settings.WorkerSettings"]


def test_the_observability_profile_loads_the_rules_and_the_dashboard() -> None:
    services = compose()["services"]
    prometheus, grafana = services["prometheus"], services["grafana"]
    scrape = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())

    assert prometheus["profiles"] == grafana["profiles"] == ["observability"]
    assert "./deploy/prometheus/rules.yml:/etc/prometheus/rules.yml:ro" in prometheus["volumes"]
    assert "./deploy/grafana/learnql.json:/var/lib/grafana/dashboards/learnql.json:ro" in grafana["volumes"]
    assert scrape["rule_files"] == ["/etc/prometheus/rules.yml"]
    jobs = {job["job_name"]: job for job in scrape["scrape_configs"]}
    assert jobs["learnql-api"]["static_configs"][0]["targets"] == ["api:8000"]
    worker_port = services["worker"]["environment"]["LEARNQL_WORKER_METRICS_PORT"]
    assert jobs["learnql-worker"]["dns_sd_configs"][0]["port"] == int(worker_port)


def test_the_dockerfile_builds_in_stages_and_runs_unprivileged() -> None:
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM\s+(\S+)", text, flags=re.MULTILINE)

    assert len(stages) == 2
    assert "uv sync --locked --no-install-project --no-dev" in text
    assert "UV_COMPILE_BYTECODE=1" in text
    assert re.search(r"^USER learnql$", text, flags=re.MULTILINE)
    assert "COPY --from=builder" in text
    assert "type=bind,source=." not in text  # dependencies from the lock file only; the source is copied


def build_context(destination: Path) -> None:
    """What `docker build .` would send: the tracked files less those .dockerignore names."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()  # noqa: S607
    for name in tracked:
        parts = Path(name).parts
        ignored = any(
            fnmatch.fnmatch(name, pattern.removeprefix("**/")) or fnmatch.fnmatch(parts[0], pattern)
            for pattern in patterns
        )
        if not ignored and (ROOT / name).exists():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)


@pytest.mark.timeout(600)
def test_the_dockerfile_uv_steps_install_a_working_app_without_dev_tools(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    app = tmp_path / "app"
    build_context(app)
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    env_settings = dict(re.findall(r"(UV_[A-Z_]+)=(\S+)", text))
    steps = [shlex.split(line.split("uv sync", 1)[1]) for line in text.splitlines() if "uv sync" in line]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEARNQL_", "VIRTUAL_ENV", "UV_PROJECT"))}
    env |= env_settings

    for arguments in steps:
        result = subprocess.run(  # noqa: S603
            [uv, "sync", *arguments], cwd=app, env=env, capture_output=True, text=True, timeout=540
        )
        assert result.returncode == 0, result.stderr
    venv = app / ".venv"
    version = subprocess.run([venv / "bin" / "learnql", "--version"], cwd=app, capture_output=True, text=True)  # noqa: S603
    migrated = subprocess.run([venv / "bin" / "learnql", "migrate"], cwd=app, capture_output=True, text=True)  # noqa: S603

    assert [len(steps), env_settings.get("UV_COMPILE_BYTECODE")] == [2, "1"]
    assert version.stdout.strip() == "learnql 0.1.0", version.stderr
    assert migrated.stdout.strip() == "database is at the newest revision", migrated.stderr  # migrations/ shipped
    assert not (venv / "bin" / "pytest").exists()  # --no-dev
    assert not (app / "tests").exists()
    compiled = list((venv / "lib").glob("python3*/site-packages/strawberry/__pycache__/*.pyc"))
    assert compiled  # UV_COMPILE_BYTECODE: no compilation at first start
