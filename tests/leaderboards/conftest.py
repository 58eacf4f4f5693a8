"""Leaderboard fixtures: the evaluation fixtures plus API clients and seeded perplexity runs."""
from __future__ import annotations

import math

import pytest

from tests.api.conftest import anon, staff  # noqa: F401 (fixtures used by name)
from tests.passk.conftest import sandbox_ready  # noqa: F401 (fixture used by name)
from tests.evaluations.conftest import (  # noqa: F401 (fixtures used by name)
    DOCUMENTS, code_version, enqueued, private_storage, text_file, text_version, tiny_model_dir)

KEYS = [doc["id"] for doc in DOCUMENTS]
TOKENS = [10, 12, 15, 1, 14, 11]


def seed_run(model, version, nlls: list[float], *, params: dict | None = None):
    """Store per-document records and the pooled perplexity through the services; return the run."""
    from glassbox.evaluations import services

    run = services.start_run(evaluator="perplexity", model=model, dataset_version=version, params=params,
                             force=True)
    for index, (key, nll, tokens) in enumerate(zip(KEYS, nlls, TOKENS)):
        services.record_sample(run.pk, key, index, {"nll": nll, "tokens": tokens, "words": 1, "bytes": tokens})
    value = math.exp(sum(nlls) / sum(TOKENS))
    return services.finish_run(run.pk, {"perplexity": value, "perplexity_ci": [value - 0.5, value + 0.5],
                                        "bits_per_byte": sum(nlls) / sum(TOKENS) / math.log(2), "n": 6})


@pytest.fixture
def models(tiny_model_dir):
    from glassbox.registry.services import register_model

    names = {"a": "Alpha", "b": "Bravo", "c": "Charlie", "d": "=Delta"}
    return {slug: register_model(name=name, slug=slug, source=str(tiny_model_dir)) for slug, name in names.items()}


@pytest.fixture
def board(text_version):
    from glassbox.leaderboards.services import create_leaderboard

    return create_leaderboard(slug="ppl", name="Perplexity on docs", dataset_version=text_version,
                              evaluator="perplexity", metrics=["perplexity", "bits_per_byte"],
                              primary_metric="perplexity")


@pytest.fixture
def seeded(models, text_version, board):
    """A best; B and C within noise of each other; D clearly worst; plus runs that must not count."""
    per_token = lambda rate, noise=(0,) * 6: [rate * t + e for t, e in zip(TOKENS, noise)]  # noqa: E731
    seed_run(models["a"], text_version, per_token(2.9))  # older and worse: replaced by A's latest run
    runs = {
        "a": seed_run(models["a"], text_version, per_token(2.0)),
        "b": seed_run(models["b"], text_version, per_token(2.5)),
        "c": seed_run(models["c"], text_version, per_token(2.5, (2, -2, 2, -2, 2, -1))),
        "d": seed_run(models["d"], text_version, per_token(3.0)),
    }
    # Another spec (batch_size) is another column: D's much better run here must be ignored.
    seed_run(models["d"], text_version, per_token(1.0), params={"batch_size": 2})
    return runs
