"""The files an operator loads: Prometheus rules (checked and unit-tested by promtool) and the Grafana
dashboard, whose every query names a series learnql exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from domain.infra import metrics
from domain.jobs.backlog import Backlog
from graph.observability.exposition import BacklogCollector

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "deploy" / "prometheus" / "rules.yml"
RULES_TEST = ROOT / "deploy" / "prometheus" / "rules_test.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "learnql.json"
# Series Prometheus itself or prometheus-client's process collector provide.
STANDARD = {"up", "process_resident_memory_bytes"}
FUNCTIONS = {"sum", "rate", "increase", "histogram_quantile", "max", "by", "without", "or", "and", "le"}


def exported() -> set[str]:
    """Every sample name our processes expose, and the recording rules built on them."""
    names: set[str] = set()
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            for family in value.collect():
                names.update(sample.name for sample in family.samples)
                base = family.name
                names.update(
                    {"counter": {f"{base}_total"}, "histogram": {f"{base}_bucket", f"{base}_sum", f"{base}_count"}}.get(
                        family.type, {base}
                    )
                )
    names.update(family.name for family in BacklogCollector(Backlog({}, 0.0)).collect())
    rules = yaml.safe_load(RULES.read_text())
    names.update(rule["record"] for group in rules["groups"] for rule in group["rules"] if "record" in rule)
    return names


def series_in(expression: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', "", expression)
    without_labels = re.sub(r"\{[^}]*\}", "", without_strings)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
    without_grouping = re.sub(r"\b(by|without)\s*\([^)]*\)", "", without_ranges)
    tokens = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_grouping))
    return {token for token in tokens if token not in FUNCTIONS and not re.fullmatch(r"e\d*", token)}


def dashboard_expressions() -> list[str]:
    found: list[str] = []

    def walk(panels: list[dict[str, Any]]) -> None:
        for panel in panels:
            found.extend(target["expr"] for target in panel.get("targets", []))
            walk(panel.get("panels", []))

    walk(json.loads(DASHBOARD.read_text())["panels"])
    return found


def test_every_dashboard_query_names_a_series_we_export() -> None:
    known = exported() | STANDARD
    expressions = dashboard_expressions()

    unknown = {name: e for e in expressions for name in series_in(e) if name not in known}

    assert len(expressions) >= 20
    assert unknown == {}


def test_the_dashboard_shows_every_series_we_export() -> None:
    shown = {name for e in dashboard_expressions() for name in series_in(e)}
    families = {name.removesuffix("_total").removesuffix("_bucket").removesuffix("_sum").removesuffix("_count")
                for name in shown}  # fmt: skip

    missing = {
        name
        for name in exported()
        if name.startswith("learnql_")
        and name.removesuffix("_total").removesuffix("_bucket").removesuffix("_sum").removesuffix("_count")
        not in families
        and not name.endswith("_created")
    }

    assert missing == set()


def test_every_alert_names_a_series_we_export() -> None:
    rules = yaml.safe_load(RULES.read_text())
    known = exported() | STANDARD

    unknown = {
        name: rule.get("alert") or rule.get("record")
        for group in rules["groups"]
        for rule in group["rules"]
        for name in series_in(rule["expr"])
        if name not in known
    }

    assert unknown == {}
    alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"] if "alert" in rule}
    assert {
        "LearnQLHighLatencyP99", "LearnQLHighErrorRate", "LearnQLJobFailures", "LearnQLJobQueueStalled",
        "LearnQLAICostOverBudget", "LearnQLLowCacheHitRate", "LearnQLSubscriberDrops", "LearnQLDatabasePoolExhausted",
    } <= alerts  # fmt: skip


@pytest.mark.parametrize("command", [["check", "rules", str(RULES)], ["test", "rules", str(RULES_TEST)]])
def test_promtool_accepts_the_rules_and_their_unit_tests(command: list[str]) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian: apt-get install prometheus; .ci/run installs it)")

    result = subprocess.run([promtool, *command], capture_output=True, text=True, timeout=120)  # noqa: S603

    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr
