"""The TypeScript client (clients/typescript) stays working: its generated code matches schema.graphql and its
operations, it typechecks under `tsc --strict`, and its smoke script talks to a live server over HTTP and
graphql-ws. A schema change that breaks one of its operations fails here."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.clients.conftest import ROOT, TYPESCRIPT, LiveServer, run

pytestmark = pytest.mark.timeout(300)


def test_the_committed_generated_code_is_fresh_and_every_operation_validates(npm: str) -> None:
    run([npm, "run", "--silent", "codegen:check"], TYPESCRIPT)


def test_the_check_fails_when_the_committed_generated_code_is_stale(npm: str, tmp_path: Path) -> None:
    """codegen:check against a copy of src/gql/ with one generated line changed, as a forgotten regeneration leaves it."""
    shutil.copytree(TYPESCRIPT / "src" / "gql", tmp_path / "gql")
    generated = tmp_path / "gql" / "graphql.ts"
    stale = generated.read_text().replace("'ACCOUNT_DEACTIVATED'", "'ACCOUNT_DISABLED'")
    assert stale != generated.read_text()
    generated.write_text(stale)
    (tmp_path / "codegen.ts").write_text(
        f"import config from {json.dumps(str(TYPESCRIPT / 'codegen.ts'))};\n"
        f'const output = config.generates["src/gql/"];\n'
        f"export default {{ ...config, generates: {{ {json.dumps(str(tmp_path / 'gql') + '/')}: output }} }};\n"
    )
    codegen = TYPESCRIPT / "node_modules" / ".bin" / "graphql-codegen"

    with pytest.raises(pytest.fail.Exception, match="stale files were detected"):
        run([str(codegen), "--config", str(tmp_path / "codegen.ts"), "--check"], TYPESCRIPT)


def test_the_client_typechecks_under_tsc_strict(npm: str) -> None:
    run([npm, "run", "--silent", "typecheck"], TYPESCRIPT)


def test_the_smoke_script_runs_a_query_a_mutation_and_a_subscription(npm: str, live_server: LiveServer) -> None:
    output = run([npm, "run", "--silent", "smoke"], TYPESCRIPT, env={**os.environ, "LEARNQL_URL": live_server.url})

    assert re.search(r"^query: \d+ lessons$", output, re.M), output
    assert "mutation: submission GRADED" in output
    assert "subscription: submissionGraded GRADED" in output
    assert output.rstrip().endswith("smoke: ok")


def test_a_schema_without_a_field_an_operation_selects_fails_the_codegen(npm: str, tmp_path: Path) -> None:
    schema = (ROOT / "schema.graphql").read_text()
    broken = schema.replace("  submitAnswers(input:", "  submitLessonAnswers(input:")  # a rename breaks clients
    assert broken != schema
    (tmp_path / "schema.graphql").write_text(broken)
    config = {
        "schema": str(tmp_path / "schema.graphql"),
        "documents": [str(TYPESCRIPT / "src" / "operations" / "**" / "*.ts")],
        "generates": {str(tmp_path / "gql") + "/": {"preset": "client"}},
    }
    (tmp_path / "codegen.json").write_text(json.dumps(config))
    codegen = TYPESCRIPT / "node_modules" / ".bin" / "graphql-codegen"

    with pytest.raises(pytest.fail.Exception, match=r"Cannot query field \"submitAnswers\" on type \"Mutation\""):
        run([str(codegen), "--config", str(tmp_path / "codegen.json")], TYPESCRIPT)
