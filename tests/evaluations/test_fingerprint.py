"""The fingerprint names an evaluation: same inputs, same hash; any input changed, another hash."""
from __future__ import annotations

import hashlib
import json

import pytest

from glassbox.evaluations.fingerprint import fingerprint
from glassbox.evaluations.services import start_run

IDENTITY = {
    "evaluator": "perplexity",
    "evaluator_version": "1",
    "spec": {"max_length": 64, "stride": 32, "batch_size": 4},
    "model_source": "/models/tiny",
    "model_revision": "",
    "weights_sha256": "a" * 64,
    "dataset_sha256": "b" * 64,
}


def expected_hash(evaluator, evaluator_version, spec, model_source, model_revision, weights_sha256,
                  dataset_sha256) -> str:
    """The documented identity, hashed here with json and hashlib alone."""
    identity = {"evaluator": evaluator, "evaluator_version": evaluator_version, "spec": spec,
                "model": {"source": model_source, "revision": model_revision, "weights_sha256": weights_sha256},
                "dataset_sha256": dataset_sha256}
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_it_is_the_sha256_of_the_canonical_json_of_the_identity():
    assert fingerprint(**IDENTITY) == expected_hash(**IDENTITY)


def test_non_ascii_is_hashed_as_utf8_not_escaped():
    identity = {**IDENTITY, "model_source": "/models/modèle-日本"}
    assert fingerprint(**identity) == expected_hash(**identity)


def test_the_order_of_spec_keys_does_not_matter():
    reordered = {**IDENTITY, "spec": {"batch_size": 4, "stride": 32, "max_length": 64}}
    assert list(reordered["spec"]) != list(IDENTITY["spec"])
    assert fingerprint(**reordered) == fingerprint(**IDENTITY)


@pytest.mark.parametrize("field, value", [
    ("evaluator", "perplexity-v2"),
    ("evaluator_version", "2"),
    ("spec", {"max_length": 64, "stride": 32, "batch_size": 8}),
    ("spec", {"max_length": 64, "stride": 16, "batch_size": 4}),
    ("spec", {"max_length": None, "stride": 32, "batch_size": 4}),
    ("model_source", "/models/other"),
    ("model_revision", "0" * 40),
    ("weights_sha256", "c" * 64),
    ("dataset_sha256", "d" * 64),
])
def test_changing_any_input_changes_it(field, value):
    assert fingerprint(**{**IDENTITY, field: value}) != fingerprint(**IDENTITY)


@pytest.mark.django_db
def test_a_run_is_fingerprinted_with_every_spec_field_and_the_dataset_bytes(tiny_model, text_version, text_file):
    run = start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                    params={"batch_size": 2})
    dataset_sha = hashlib.sha256(text_file.read_bytes()).hexdigest()
    # PerplexitySpec's documented defaults: max_length and stride null (the model decides); precision
    # auto becomes the workers' format when the run is requested (float32 with CPU workers).
    spec = {"max_length": None, "stride": None, "batch_size": 2, "precision": "float32"}
    assert run.spec == spec
    assert run.fingerprint == expected_hash("perplexity", "1", spec, tiny_model.source, "",
                                            tiny_model.weights_sha256, dataset_sha)


@pytest.mark.django_db
@pytest.mark.parametrize("params", [
    {"stride": 16, "max_length": 32},
    {"max_length": 32, "stride": 16, "batch_size": 8},
    {"batch_size": 8, "stride": 16, "max_length": 32},
])
def test_params_in_another_order_or_with_defaults_spelled_out_name_the_same_run(tiny_model, text_version, params):
    first = start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                      params={"max_length": 32, "stride": 16})
    again = start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version, params=params)
    assert again.fingerprint == first.fingerprint
    assert again.pk == first.pk


@pytest.mark.django_db
def test_no_params_and_every_default_spelled_out_are_the_same_evaluation(tiny_model, text_version):
    implicit = start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    explicit = start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                         params={"batch_size": 8, "max_length": None, "stride": None}, force=True)
    assert explicit.pk != implicit.pk  # forced, so the fingerprints are compared, not the reuse
    assert explicit.fingerprint == implicit.fingerprint
