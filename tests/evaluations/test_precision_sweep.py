"""Starting a precision sweep: one quality run per format (reused when an equal run exists), one speed
run per format, and refusals that name the field and write nothing."""
from __future__ import annotations

import dataclasses

import pytest

from .sweep_world import finish_sweep, prompts_version  # noqa: F401 (fixture used by name)

pytestmark = pytest.mark.django_db
FORMATS = ["float32", "bfloat16", "int8"]


def start(model, version, prompts=None, **changes):
    from glassbox.evaluations.sweeps.services import start_sweep

    request = {"evaluator": "perplexity", "model": model, "dataset_version": version, "precisions": FORMATS,
               "params": {"batch_size": 2}, "speed_dataset_version": prompts, **changes}
    return start_sweep(**request)


def test_a_sweep_asks_one_run_per_format_whose_specs_differ_only_in_precision(
        tiny_model, text_version, prompts_version, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sweep = start(tiny_model, text_version, prompts_version)
    entries = list(sweep.entries.select_related("quality_run", "speed_run"))
    assert [(e.position, e.precision) for e in entries] == list(enumerate(FORMATS))
    assert sweep.precisions == FORMATS and sweep.params == {"batch_size": 2}
    specs = [e.quality_run.spec for e in entries]
    assert [spec["precision"] for spec in specs] == FORMATS
    assert [{**spec, "precision": None} for spec in specs] == [{**specs[0], "precision": None}] * 3
    assert specs[0]["batch_size"] == 2
    assert len({e.quality_run.fingerprint for e in entries}) == 3
    speed = [e.speed_run for e in entries]
    assert [(run.evaluator, run.dataset_version_id, run.spec["precision"]) for run in speed] == \
        [("speed", prompts_version.pk, p) for p in FORMATS]
    assert all(run.spec["variants"] == ["greedy"] and run.spec["batch_sizes"] == [1] for run in speed)
    assert sorted(enqueued) == sorted([e.quality_run.pk for e in entries] + [run.pk for run in speed])


def test_without_speed_prompts_there_are_no_speed_runs(tiny_model, text_version):
    sweep = start(tiny_model, text_version)
    assert [e.speed_run for e in sweep.entries.all()] == [None] * 3


def test_a_second_equal_sweep_reuses_the_finished_quality_runs(tiny_model, text_version, prompts_version):
    from glassbox.evaluations.models import Run

    first = start(tiny_model, text_version, prompts_version)
    finish_sweep(first)
    second = start(tiny_model, text_version, prompts_version)
    pairs = list(zip(first.entries.order_by("position"), second.entries.order_by("position")))
    assert [b.quality_run_id for _, b in pairs] == [a.quality_run_id for a, _ in pairs]
    assert all(b.quality_run.status == Run.Status.SUCCEEDED for _, b in pairs)
    # Timings describe the worker: each sweep measures speed anew.
    assert not {b.speed_run_id for _, b in pairs} & {a.speed_run_id for a, _ in pairs}
    assert Run.objects.filter(evaluator="perplexity").count() == 3


def test_auto_is_the_workers_format_so_a_run_of_it_is_reused(tiny_model, text_version, settings):
    from glassbox.evaluations import services

    settings.GLASSBOX_AUTO_PRECISION = "float32"
    earlier = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                                 params={"batch_size": 2})
    sweep = start(tiny_model, text_version, precisions=["auto", "int8"])
    assert sweep.precisions == ["float32", "int8"]
    assert sweep.entries.get(position=0).quality_run_id == earlier.pk


@pytest.fixture
def no_precision_evaluator(monkeypatch):
    """An evaluator whose spec has no precision (it would run no model)."""
    from evaluators.core import registry

    @dataclasses.dataclass(frozen=True)
    class CountSpec:
        batch_size: int = 1

    entry = dataclasses.replace(registry.get("perplexity"), name="count-lines", spec_class=CountSpec)
    monkeypatch.setitem(registry._EVALUATORS, "count-lines", entry)
    return entry.name


@pytest.mark.parametrize("changes, field, message", [
    ({"evaluator": "count-lines"}, "evaluator", "has no precision parameter"),
    ({"evaluator": "nope"}, "evaluator", "no evaluator named 'nope'"),
    ({"precisions": ["float32", "int8", "float32"]}, "precisions", "'float32' is listed twice"),
    ({"precisions": ["auto", "float32"]}, "precisions", "'float32' is listed twice (auto is float32 on these workers)"),
    ({"precisions": ["int8"]}, "precisions", "at least two precisions"),
    ({"precisions": ["float32", "int3"]}, "precisions", "unknown precision 'int3'"),
    ({"params": {"precision": "int8"}}, "params", "must not name precision"),
    ({"params": {"batch_size": 0}}, "params", "batch_size"),
    ({"speed_dataset_version": "text"}, "speed_dataset_version", "speed runs read a 'prompts' dataset"),
])
def test_a_bad_request_is_refused_naming_the_field_and_leaves_nothing(
        changes, field, message, tiny_model, text_version, prompts_version, no_precision_evaluator, settings,
        enqueued, django_capture_on_commit_callbacks):
    from glassbox.evaluations.models import PrecisionSweep, Run, SweepEntry
    from glassbox.evaluations.requests import RequestError

    settings.GLASSBOX_AUTO_PRECISION = "float32"
    if changes.get("speed_dataset_version") == "text":
        changes["speed_dataset_version"] = text_version
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RequestError) as caught:
        start(tiny_model, text_version, prompts_version, **changes)
    assert caught.value.field == field and message in str(caught.value)
    assert not PrecisionSweep.objects.exists() and not SweepEntry.objects.exists() and not Run.objects.exists()
    assert enqueued == []


def test_a_speed_run_refused_after_the_quality_runs_undoes_them_all(tiny_model, text_version, prompts_version,
                                                                     monkeypatch, enqueued,
                                                                     django_capture_on_commit_callbacks):
    from evaluators.sweep import run as shell_sweep
    from glassbox.evaluations.models import PrecisionSweep, Run
    from glassbox.evaluations.requests import RequestError
    from glassbox.evaluations.sweeps import services

    # Speed settings the prompts cannot take: refused by start_run only once runs exist.
    monkeypatch.setattr(services, "SPEED_PARAMS", {**shell_sweep.SPEED_PARAMS, "max_new_tokens": 10**6})
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RequestError) as caught:
        start(tiny_model, text_version, prompts_version)
    assert caught.value.field == "speed_dataset_version" and "speed run at float32" in str(caught.value)
    assert not PrecisionSweep.objects.exists() and not Run.objects.exists() and enqueued == []
