"""Schedule fixtures: the dashboard's seeded models and datasets, a suite of two perplexity
entries that differ only in batch size, and a helper that finishes a run with chosen numbers."""
from __future__ import annotations

import pytest

from tests.dashboard.conftest import (  # noqa: F401 (fixtures used by name)
    code_version, other_model, seed_perplexity_run)
from tests.evaluations.conftest import (  # noqa: F401 (fixtures used by name)
    enqueued, private_storage, text_file, text_version, tiny_model, tiny_model_dir)


@pytest.fixture
def suite(text_version):
    from glassbox.schedules import services

    suite = services.create_suite(name="Nightly perplexity")
    services.add_entry(suite, evaluator="perplexity", dataset_version=text_version, params={"batch_size": 2})
    services.add_entry(suite, evaluator="perplexity", dataset_version=text_version, params={"batch_size": 3})
    return suite


@pytest.fixture
def tagged_model(tiny_model_dir):
    from glassbox.registry.services import register_model

    return register_model(name="Tagged Llama", slug="tagged", source=str(tiny_model_dir), tags=["nightly"])


def finish(run, perplexity: float, interval: tuple[float, float] | None, bits_per_byte: float = 1.0):
    """Finish `run` with the given perplexity (and interval, or none) through the services."""
    from glassbox.evaluations import services

    summary = {"perplexity": perplexity, "bits_per_byte": bits_per_byte, "n": 6}
    if interval is not None:
        summary["perplexity_ci"] = list(interval)
    return services.finish_run(run.pk, summary)
