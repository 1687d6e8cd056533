"""Scraping ``/metrics`` as Prometheus does, and reading the samples by name and labels."""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client.parser import text_string_to_metric_families

from tests.support.app_config import TEST_METRICS_TOKEN

BEARER = {"Authorization": f"Bearer {TEST_METRICS_TOKEN}"}


class Samples(Mapping):
    """A scrape's samples: ``samples["name", {"label": "value"}]`` reads one (0 if absent)."""

    def __init__(self, text: str) -> None:
        self._values = {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def __getitem__(self, key) -> float:
        name, labels = key if isinstance(key, tuple) else (key, {})
        return self._values.get((name, frozenset(labels.items())), 0.0)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def total(self, name: str, **labels: str) -> float:
        """Sum the samples of ``name`` whose labels include ``labels`` (any others summed over)."""
        wanted = set(labels.items())
        return sum(
            value
            for (sample, have), value in self._values.items()
            if sample == name and wanted <= have
        )


def scrape(client, headers: Mapping[str, str] = BEARER) -> Samples:
    """Scrape a test client's app with the metrics token; the answer must be the metrics."""
    response = client.get("/metrics", headers=dict(headers))
    assert response.status_code == 200, response.get_data(as_text=True)
    return Samples(response.get_data(as_text=True))


def since(before: Samples, after: Samples, name: str, **labels: str) -> float:
    """How much a counter grew between two scrapes (the metrics are the test process's)."""
    return after.total(name, **labels) - before.total(name, **labels)
