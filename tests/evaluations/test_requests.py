"""check_request: one check, naming the field at fault, shared by runs, leaderboards and suite entries."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from glassbox.evaluations.models import Run
from glassbox.evaluations.requests import RequestError, check_request

from .conftest import TINY_CONTEXT, write_jsonl

pytestmark = pytest.mark.django_db
SPEED = {"variants": "greedy", "max_new_tokens": 4}


@pytest.fixture
def prompts_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    path = write_jsonl(tmp_path / "prompts.jsonl", [{"id": "a", "prompt": "Hello"}])
    return create_dataset_with_version(name="Prompts", slug="prompts", kind="prompts",
                                       uploaded_file_or_path=path, original_name="prompts.jsonl")


def refusal(*args, **kwargs) -> RequestError:
    with pytest.raises(RequestError) as refused:
        check_request(*args, **kwargs)
    return refused.value


def test_an_accepted_request_gives_the_evaluator_and_the_full_spec(text_version):
    checked = check_request("perplexity", text_version, {"batch_size": 3})
    assert checked.entry.name == "perplexity"
    assert checked.spec["batch_size"] == 3 and "max_length" in checked.spec  # defaults filled in
    assert checked.named_models == {}


@pytest.mark.parametrize("evaluator, params, field, words", [
    ("bleu", {}, "evaluator", "bleu"),
    ("codegen", {}, "dataset_version", "needs a 'codegen' dataset"),
    ("perplexity", {"windw": 8}, "params", "windw"),
    ("perplexity", [8], "params", "JSON object"),
    ("perplexity", {"max_length": 16, "stride": 32}, "params", "stride"),
])
def test_each_refusal_names_its_field(text_version, evaluator, params, field, words):
    error = refusal(evaluator, text_version, params)
    assert error.field == field and words in str(error)


def test_a_length_beyond_the_models_context_is_refused_only_when_a_model_is_given(tiny_model, text_version):
    too_long = {"max_length": TINY_CONTEXT + 1}
    error = refusal("perplexity", text_version, too_long, model=tiny_model)
    assert error.field == "params" and f"context length ({TINY_CONTEXT})" in str(error)
    # A leaderboard or suite entry holds for any model: the run's own check comes later.
    assert check_request("perplexity", text_version, too_long).spec["max_length"] == TINY_CONTEXT + 1


def test_a_named_model_must_be_registered_and_visible(tiny_model, prompts_version):
    checked = check_request("speed", prompts_version, {**SPEED, "draft": "tiny"})
    assert checked.named_models == {"draft": {"source": tiny_model.source, "revision": tiny_model.revision,
                                              "weights_sha256": tiny_model.weights_sha256}}
    error = refusal("speed", prompts_version, {**SPEED, "draft": "nope"})
    assert error.field == "params" and "draft: no registered model with slug 'nope'" in str(error)
    owner, stranger = User.objects.create_user("owner"), User.objects.create_user("stranger")
    type(tiny_model).objects.filter(pk=tiny_model.pk).update(is_private=True, owner=owner)
    assert "draft" in check_request("speed", prompts_version, {**SPEED, "draft": "tiny"}, owner).named_models
    assert refusal("speed", prompts_version, {**SPEED, "draft": "tiny"}, stranger).field == "params"


def test_runs_leaderboards_and_suites_refuse_the_same_request_alike(tiny_model, code_version):
    from evaluators import registry as evaluator_registry
    from glassbox.evaluations.services import start_run
    from glassbox.leaderboards.services import LeaderboardError, create_leaderboard
    from glassbox.schedules.services import SuiteError, add_entry, create_suite

    # Infinity passes the spec's own checks but no JSON column stores it; suites used not to ask.
    unstorable = {"temperature": float("inf")}
    metric = evaluator_registry.get("codegen").metrics[0].name
    errors = []
    for attempt in (
        lambda: start_run(evaluator="codegen", model=tiny_model, dataset_version=code_version, params=unstorable),
        lambda: create_leaderboard(slug="b", name="B", dataset_version=code_version, evaluator="codegen",
                                   metrics=[metric], primary_metric=metric, params=unstorable),
        lambda: add_entry(create_suite(name="S"), evaluator="codegen", dataset_version=code_version,
                          params=unstorable),
    ):
        with pytest.raises(RequestError) as refused:
            attempt()
        errors.append(refused.value)
    assert [type(error) for error in errors] == [RequestError, LeaderboardError, SuiteError]
    assert {error.field for error in errors} == {"params"}
    assert len({str(error) for error in errors}) == 1
    assert "must be a finite number" in str(errors[0])
    assert not Run.objects.exists()


def test_the_api_finds_models_and_dataset_versions_by_slug_only_when_visible(tiny_model, text_version, tmp_path):
    from glassbox.registry.queries import visible_dataset_version, visible_model
    from glassbox.registry.services import add_dataset_version

    from .conftest import DOCUMENTS

    second, _ = add_dataset_version(dataset=text_version.dataset, original_name="docs.jsonl",
                                    uploaded_file_or_path=write_jsonl(tmp_path / "v2.jsonl", DOCUMENTS[:1]))
    assert visible_model(None, "tiny") == tiny_model and visible_model(None, "nope") is None
    assert visible_dataset_version(None, "docs") == second  # the newest when no number is given
    assert visible_dataset_version(None, "docs", 1) == text_version
    assert visible_dataset_version(None, "docs", 3) is None
    owner = User.objects.create_user("owner")
    type(tiny_model).objects.filter(pk=tiny_model.pk).update(is_private=True, owner=owner)
    text_version.dataset.__class__.objects.filter(pk=text_version.dataset.pk).update(is_private=True, owner=owner)
    assert visible_model(None, "tiny") is None and visible_model(owner, "tiny") == tiny_model
    assert visible_dataset_version(None, "docs") is None and visible_dataset_version(owner, "docs") == second


def test_the_run_form_marks_the_field_the_check_blames(client, tiny_model, code_version, enqueued):
    from django.urls import reverse

    client.force_login(User.objects.create_user("grace", is_staff=True))
    response = client.post(reverse("evaluations:run-create"), {
        "evaluator": "perplexity", "model": tiny_model.pk, "dataset_version": code_version.pk, "params": "{}"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "needs a 'text' dataset" in errors["dataset_version"][0] and "__all__" not in errors
    assert not Run.objects.exists() and enqueued == []

