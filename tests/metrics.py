"""Reading /metrics as Prometheus does: the text format parsed by prometheus-client's own parser."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample


@dataclass(frozen=True)
class Scrape:
    families: dict[str, list[Sample]]  # by family name (counters without `_total`)

    def value(self, sample: str, **labels: str) -> float:
        """The sum of `sample`'s values whose labels include `labels` (0 when there is none)."""
        family = sample.removesuffix("_total").removesuffix("_bucket").removesuffix("_count").removesuffix("_sum")
        return sum(
            s.value
            for s in self.families.get(family, [])
            if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())
        )

    def label_values(self, sample: str, label: str) -> set[str]:
        family = sample.removesuffix("_total").removesuffix("_count").removesuffix("_sum").removesuffix("_bucket")
        return {s.labels[label] for s in self.families.get(family, []) if s.name == sample and label in s.labels}


def parse(text: str) -> Scrape:
    return Scrape({family.name: list(family.samples) for family in text_string_to_metric_families(text)})


async def scrape(http: httpx.AsyncClient) -> Scrape:
    response = await http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(response.text)
