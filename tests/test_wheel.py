"""The wheel carries what `learnql migrate` needs: built, installed into a fresh virtual environment
(dependencies pinned by uv.lock) and run away from the checkout, it brings an empty SQLite file to
the newest revision."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import domain.models  # noqa: F401  (every table on the metadata)
from domain.infra.migrations import alembic_config

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.timeout(60)


def run(command: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_installed_wheel_migrates_a_fresh_sqlite_database(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    assert uv is not None, "uv is on PATH wherever the tests run"
    run([uv, "build", "--wheel", "--out-dir", tmp_path / "dist", "-q"], cwd=ROOT)
    [wheel] = (tmp_path / "dist").glob("learnql-*.whl")
    pins = tmp_path / "requirements.txt"
    run([uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "-q", "-o", pins], cwd=ROOT)
    venv = tmp_path / "venv"
    run([uv, "venv", "-q", "--python", sys.executable, venv], cwd=tmp_path)
    run([uv, "pip", "install", "-q", "--python", venv / "bin" / "python", "-r", pins, wheel], cwd=tmp_path)
    database = tmp_path / "fresh.db"
    outside = {name: value for name, value in os.environ.items() if name not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env = outside | {"LEARNQL_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}

    output = run([venv / "bin" / "learnql", "migrate"], cwd=tmp_path, env=env)
    scripts = run([venv / "bin" / "python", "-c", "import domain.infra.migrations as m; print(m.SCRIPTS)"], tmp_path)

    head = ScriptDirectory.from_config(alembic_config("unused")).get_current_head()
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        [(version,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert output.strip() == "database is at the newest revision"
    assert Path(scripts.strip()).is_relative_to(venv)  # the migrations of the installed package
    assert version == head
    assert set(SQLModel.metadata.tables) | {"alembic_version"} <= tables
