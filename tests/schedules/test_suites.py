"""Suites: entries are checked against the evaluator's spec when added, and running a suite
starts one run per (entry, model) through start_run."""
from __future__ import annotations

import pytest

from evaluators import registry as evaluator_registry
from evaluators.core.specs import spec_to_dict

pytestmark = pytest.mark.django_db


def test_an_entry_with_a_mistyped_parameter_is_refused_naming_it(text_version):
    from glassbox.schedules import services
    from glassbox.schedules.models import SuiteEntry

    suite = services.create_suite(name="Broken")
    with pytest.raises(services.SuiteError) as caught:
        services.add_entry(suite, evaluator="perplexity", dataset_version=text_version,
                           params={"batch_size": "eight"})
    assert caught.value.field == "params" and "'batch_size'" in str(caught.value)
    with pytest.raises(services.SuiteError) as caught:
        services.add_entry(suite, evaluator="perplexity", dataset_version=text_version, params={"window": 64})
    assert caught.value.field == "params" and "'window'" in str(caught.value)
    assert not SuiteEntry.objects.exists()


def test_an_entry_on_the_wrong_kind_of_dataset_or_evaluator_is_refused(text_version, code_version):
    from glassbox.schedules import services

    suite = services.create_suite(name="Broken")
    with pytest.raises(services.SuiteError) as caught:
        services.add_entry(suite, evaluator="perplexity", dataset_version=code_version)
    assert caught.value.field == "dataset_version" and "'text'" in str(caught.value)
    with pytest.raises(services.SuiteError) as caught:
        services.add_entry(suite, evaluator="no-such-evaluator", dataset_version=text_version)
    assert caught.value.field == "evaluator"


def test_run_suite_starts_one_run_per_entry_and_model(suite, tiny_model, other_model, text_version, enqueued,
                                                      django_capture_on_commit_callbacks):
    from glassbox.evaluations.models import Run
    from glassbox.schedules import services

    # Forced: both fixtures load the same directory, so start_run would share one run between them.
    with django_capture_on_commit_callbacks(execute=True):
        runs = services.run_suite(suite, [tiny_model, other_model], force=True)
    entry = evaluator_registry.get("perplexity")
    # Each run names the workers' format where the suite's spec says auto.
    want = [(model.pk, spec_to_dict(entry.make_spec({"batch_size": size, "precision": "float32"})))
            for size in (2, 3) for model in (tiny_model, other_model)]
    assert [(run.model_id, run.spec) for run in runs] == want
    assert all(run.evaluator == "perplexity" and run.dataset_version == text_version for run in runs)
    assert enqueued == [run.pk for run in runs] and Run.objects.count() == 4


def test_run_suite_reuses_finished_runs_unless_forced(suite, tiny_model):
    from glassbox.schedules import services

    first = services.run_suite(suite, [tiny_model])
    assert [run.pk for run in services.run_suite(suite, [tiny_model])] == [run.pk for run in first]
    forced = services.run_suite(suite, [tiny_model], force=True)
    assert not {run.pk for run in forced} & {run.pk for run in first}


def test_registering_a_model_runs_the_suites_marked_for_it(suite, text_version, tiny_model_dir,
                                                           django_capture_on_commit_callbacks):
    from glassbox.evaluations.models import Run
    from glassbox.registry.services import register_model
    from glassbox.schedules import services

    other = services.create_suite(name="By hand only")
    services.add_entry(other, evaluator="perplexity", dataset_version=text_version, params={"batch_size": 5})
    suite.run_on_register = True
    suite.save()
    with django_capture_on_commit_callbacks(execute=True):
        model = register_model(name="Fresh", slug="fresh", source=str(tiny_model_dir))
    assert sorted(run.spec["batch_size"] for run in Run.objects.filter(model=model)) == [2, 3]
    assert not Run.objects.exclude(model=model).exists()
