"""A small world for reuse across owners and registrations: one set of model bytes and one set of
dataset bytes, each registered several times by different owners, public and private.

Models (all the tiny model's directory, so one fingerprint): `olive-private` and `olive-second`
(private, owned by olive), `pub` (public, owned by olive), `cora-llama` (public, owned by cora).
Datasets (all DOCUMENTS, so one SHA-256): `docs` (public, no owner), `docs-copy` (public, owned
by cora), `secret` (private, owned by olive). olive and cora are contributors.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from .conftest import DOCUMENTS, write_jsonl

KEYS = [doc["id"] for doc in DOCUMENTS]
TOKENS = [10, 12, 15, 1, 14, 11]


def finish_with_records(run, rate: float):
    """Store per-sample records with nll = rate * tokens and finish the run with the matching figures."""
    from glassbox.evaluations import services

    nlls = [rate * tokens for tokens in TOKENS]
    for index, (key, nll, tokens) in enumerate(zip(KEYS, nlls, TOKENS)):
        services.record_sample(run.pk, key, index, {"nll": nll, "tokens": tokens, "words": 1, "bytes": tokens})
    value = math.exp(sum(nlls) / sum(TOKENS))
    return services.finish_run(run.pk, {"perplexity": value, "perplexity_ci": [value - 0.5, value + 0.5],
                                        "bits_per_byte": sum(nlls) / sum(TOKENS) / math.log(2),
                                        "n": len(KEYS)})


def computed_run(model, version, rate: float, user=None):
    """A perplexity run computed afresh (force) and finished with per-sample records."""
    from glassbox.evaluations import services

    run = services.start_run(evaluator="perplexity", model=model, dataset_version=version, force=True, user=user)
    return finish_with_records(run, rate)


def metric_rows(run) -> dict:
    return {m.name: (m.value, m.ci_low, m.ci_high, m.n, m.direction) for m in run.metrics.all()}


def sample_rows(run) -> list[tuple]:
    return list(run.samples.order_by("index").values_list("key", "index", "data"))


@dataclass
class ReuseWorld:
    olive: object
    cora: object
    olive_private: object
    olive_second: object
    pub: object
    cora_model: object
    docs: object
    docs_copy: object
    secret: object


@pytest.fixture
def reuse_world(db, tiny_model_dir, tmp_path) -> ReuseWorld:
    from django.contrib.auth.models import User

    from glassbox.accounts.services import grant_role
    from glassbox.registry.services import create_dataset_with_version, register_model

    olive, cora = User.objects.create_user("olive"), User.objects.create_user("cora")
    for user in (olive, cora):
        grant_role(user, "contributor")
    source = str(tiny_model_dir)
    models = dict(
        olive_private=register_model(name="Olive private", slug="olive-private", source=source, owner=olive,
                                     is_private=True),
        olive_second=register_model(name="Olive second", slug="olive-second", source=source, owner=olive,
                                    is_private=True),
        pub=register_model(name="Public Llama", slug="pub", source=source, owner=olive),
        cora_model=register_model(name="Cora Llama", slug="cora-llama", source=source, owner=cora))

    def dataset(slug: str, **kwargs):
        return create_dataset_with_version(name=slug, slug=slug, kind="text", original_name=f"{slug}.jsonl",
                                           uploaded_file_or_path=write_jsonl(tmp_path / f"{slug}.jsonl", DOCUMENTS),
                                           **kwargs)

    return ReuseWorld(olive=olive, cora=cora, **models, docs=dataset("docs"),
                      docs_copy=dataset("docs-copy", owner=cora),
                      secret=dataset("secret", owner=olive, is_private=True))
