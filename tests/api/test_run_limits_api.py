"""POST /api/runs/ refuses parameters out of bounds or too long for the model, naming the field,
before anything is stored or queued."""
from __future__ import annotations

import pytest

from glassbox.evaluations.models import Run

pytestmark = pytest.mark.django_db


def _post(client, evaluator: str, dataset: str, params: dict):
    return client.post("/api/runs/", {"evaluator": evaluator, "model": "tiny", "dataset": dataset,
                                      "params": params}, format="json")


@pytest.mark.parametrize("evaluator, dataset, params, message", [
    ("codegen", "code", {"num_beams": 1_000_000}, "parameter 'num_beams' must be at most 64, got 1000000"),
    ("codegen", "code", {"batch_size": 0}, "parameter 'batch_size' must be at least 1, got 0"),
    ("codegen", "code", {"max_new_tokens": 64, "num_return_sequences": 65, "do_sample": True},
     "parameter 'num_return_sequences' must be at most 64, got 65"),
    ("codegen", "code", {"max_new_tokens": 64, "batch_size": 32, "num_beams": 64},
     "2048 sequences per generate() call, at most 1024: lower batch_size"),
    # The tiny model's context is 128 tokens: codegen's default of 128 new tokens leaves no prompt.
    ("codegen", "code", {}, "parameter 'max_new_tokens' must be below the model's context length (128), got 128"),
    ("perplexity", "docs", {"max_length": 129},
     "parameter 'max_length' must be at most the model's context length (128), got 129"),
    ("perplexity", "docs", {"stride": 128}, "parameter 'stride' must be below the model's context length (128)"),
    ("perplexity", "docs", {"batch_size": 100_000}, "parameter 'batch_size' must be at most 256, got 100000"),
])
def test_out_of_bounds_parameters_are_400_naming_the_field_and_nothing_is_queued(
        staff, tiny_model, text_version, code_version, enqueued, django_capture_on_commit_callbacks,
        evaluator, dataset, params, message):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(staff, evaluator, dataset, params)
    assert response.status_code == 400, response.content
    assert message in response.json()["non_field_errors"][0]
    assert not Run.objects.exists() and enqueued == []


def test_the_largest_values_that_fit_are_queued(staff, tiny_model, code_version, enqueued,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(staff, "codegen", "code", {"max_new_tokens": 127, "num_beams": 64, "batch_size": 16})
    assert response.status_code == 201, response.content
    assert response.json()["spec"]["num_beams"] == 64
    assert enqueued == [response.json()["id"]]
