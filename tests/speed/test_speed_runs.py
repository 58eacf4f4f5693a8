"""Speed runs on the platform: the draft named by slug, never reused, measured through the
worker's code path, resumed between variants, shown on the run page; and the device lock."""
from __future__ import annotations

import fcntl
import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
PARAMS = {"variants": "greedy,assisted,prompt-lookup", "max_new_tokens": 6, "fixed_length": True,
          "warmup": 1, "min_repeats": 2, "min_seconds": 0.0}


@pytest.fixture
def registered(settings, tmp_path, speed_models, prompts_file, monkeypatch):
    from glassbox.evaluations import services
    from glassbox.registry.services import create_dataset_with_version, register_model

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GLASSBOX_DEVICE = "cpu"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    target, draft = speed_models
    version = create_dataset_with_version(name="Prompts", slug="prompts", kind="prompts",
                                          uploaded_file_or_path=prompts_file, original_name="prompts.jsonl")
    return {"target": register_model(name="Target", slug="target", source=str(target)),
            "draft": register_model(name="Draft", slug="draft", source=str(draft)), "version": version}


def test_the_draft_is_named_by_slug_and_every_request_measures_anew(registered):
    from glassbox.evaluations import services

    start = lambda params: services.start_run(evaluator="speed", model=registered["target"],  # noqa: E731
                                              dataset_version=registered["version"], params=params)
    first = start({**PARAMS, "draft": "draft"})
    second = start({**PARAMS, "draft": "draft"})
    assert first.pk != second.pk and first.fingerprint == second.fingerprint
    assert first.queue == "gpu"
    without = start({**PARAMS, "variants": "greedy"})
    assert without.fingerprint != first.fingerprint
    with pytest.raises(services.RunRequestError, match="draft: no registered model with slug 'nope'"):
        start({**PARAMS, "draft": "nope"})
    with pytest.raises(services.RunRequestError, match="assisted needs a draft"):
        start({**PARAMS})


def test_a_speed_run_on_the_worker_path_stores_variants_and_metrics(client, registered):
    from glassbox.evaluations import services
    from glassbox.evaluations.execution import execute
    from glassbox.evaluations.models import Run

    run = services.start_run(evaluator="speed", model=registered["target"],
                             dataset_version=registered["version"], params={**PARAMS, "draft": "draft"})
    execute(run.pk)
    run = Run.objects.get(pk=run.pk)
    assert run.status == "succeeded", run.error
    assert [s.key for s in run.samples.order_by("index")] == ["greedy@1", "assisted@1", "prompt-lookup@1"]
    metrics = {m.name: m for m in run.metrics.all()}
    assert metrics["output_tokens_per_s"].value == pytest.approx(run.summary["variants"][0]["output_tokens_per_s"])
    assert metrics["output_tokens_per_s"].direction == "higher" and metrics["ttft_ms_p50"].direction == "lower"
    assert metrics["assisted_acceptance_rate"].value == 1.0  # the draft is the target itself
    assert run.environment["device"] == "cpu" and run.environment["attn_implementation"]
    page = client.get(reverse("evaluations:run-detail", args=[run.pk])).content.decode()
    assert 'id="speed-variants"' in page and "assisted@1" in page and "prompt-lookup@1" in page
    chart = json.loads(page.split('id="speed-chart-data" type="application/json">')[1].split("</script>")[0])
    assert [b["name"] for b in chart["boxes"]] == ["greedy@1", "assisted@1", "prompt-lookup@1"]
    assert chart["latency"] == "itl_ms" and all(b["values"] for b in chart["boxes"])
    ttft = client.get(reverse("evaluations:run-detail", args=[run.pk]), {"latency": "ttft_ms"})
    assert '"latency": "ttft_ms", "label": "time to first token"' in ttft.content.decode()


def test_a_resumed_run_keeps_finished_variants(speed_models, prompts_file):
    from evaluators.core.base import ModelRef, RunContext
    from evaluators.core.datasets import read_dataset
    from evaluators.speed import EVALUATOR

    target, draft = speed_models
    rows = read_dataset(prompts_file, "prompts")
    records = {}
    context = RunContext(model=ModelRef(str(target)), rows=rows, spec={**PARAMS, "draft": str(draft)},
                         device="cpu", models={"draft": ModelRef(str(draft))},
                         on_sample=lambda key, index, data: records.__setitem__(key, data))
    EVALUATOR.run(context)
    measured = []
    resumed = RunContext(model=ModelRef(str(target)), rows=rows, spec={**PARAMS, "draft": str(draft)},
                         device="cpu", models={"draft": ModelRef(str(draft))},
                         done={"greedy@1": records["greedy@1"]},
                         on_sample=lambda key, index, data: measured.append(key))
    report = EVALUATOR.run(resumed)
    assert measured == ["assisted@1", "prompt-lookup@1"]
    assert report["output_tokens_per_s"] == records["greedy@1"]["output_tokens_per_s"]
    assert report["variants"][1]["identical_to_greedy"] is True


def test_execute_takes_the_device_lock_exclusively_for_a_speed_run(registered, monkeypatch):
    from contextlib import contextmanager

    from glassbox.evaluations import execution, services

    taken = []

    @contextmanager
    def recording_lock(exclusive: bool):
        taken.append(exclusive)
        yield

    monkeypatch.setattr(execution, "device_lock", recording_lock)
    speed = services.start_run(evaluator="speed", model=registered["target"], dataset_version=registered["version"],
                               params={**PARAMS, "variants": "greedy", "min_repeats": 1})
    execution.execute(speed.pk)
    assert taken == [True]


def test_a_speed_run_holds_the_device_alone(settings, tmp_path):
    from glassbox.evaluations.device_lock import device_lock, lock_path

    settings.VAR_DIR = tmp_path

    def can_take(kind: int) -> bool:
        with open(lock_path(), "a+") as other:
            try:
                fcntl.flock(other, kind | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(other, fcntl.LOCK_UN)
            return True

    with device_lock(exclusive=True):
        assert not can_take(fcntl.LOCK_SH) and not can_take(fcntl.LOCK_EX)
    with device_lock(exclusive=False):
        assert can_take(fcntl.LOCK_SH) and not can_take(fcntl.LOCK_EX)
    assert can_take(fcntl.LOCK_EX)


def test_a_contributor_cannot_name_someone_elses_private_model_as_draft(registered, django_user_model, speed_models):
    from glassbox.accounts.services import grant_role
    from glassbox.evaluations import services
    from glassbox.registry.services import register_model

    owner = django_user_model.objects.create_user("owner")
    other = django_user_model.objects.create_user("other")
    for user in (owner, other):
        grant_role(user, "contributor")
    register_model(name="Secret draft", slug="secret", source=str(speed_models[1]), owner=owner, is_private=True)
    params = {**PARAMS, "draft": "secret"}
    with pytest.raises(services.RunRequestError, match="draft: no registered model with slug 'secret'"):
        services.start_run(evaluator="speed", model=registered["target"], dataset_version=registered["version"],
                           params=params, user=other)
    run = services.start_run(evaluator="speed", model=registered["target"], dataset_version=registered["version"],
                             params=params, user=owner)
    assert run.spec["draft"] == "secret"
