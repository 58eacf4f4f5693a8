"""`manage.py start_run`, `run_status` and `cancel_run`."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from glassbox.evaluations import services
from glassbox.evaluations.models import Run
from glassbox.registry.services import add_dataset_version

from .conftest import DOCUMENTS, write_jsonl

pytestmark = pytest.mark.django_db


def run_command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_start_run_queues_a_run_and_prints_its_id(tiny_model, text_version, enqueued,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = run_command("start_run", "perplexity", "--model", "tiny", "--dataset", "docs",
                             "--params", '{"batch_size": 2}')
    run = Run.objects.get()
    assert output.startswith(f"run {run.pk} queued ")
    assert "tiny" in output and "docs v1" in output
    assert run.spec["batch_size"] == 2 and run.dataset_version == text_version
    assert enqueued == [run.pk]


def test_start_run_again_reuses_the_run_unless_forced(tiny_model, text_version):
    first = run_command("start_run", "perplexity", "--model", "tiny", "--dataset", "docs")
    again = run_command("start_run", "perplexity", "--model", "tiny", "--dataset", "docs")
    forced = run_command("start_run", "perplexity", "--model", "tiny", "--dataset", "docs", "--force")
    first_id, forced_id = Run.objects.order_by("pk").values_list("pk", flat=True)
    assert first.split()[:2] == again.split()[:2] == ["run", str(first_id)]
    assert forced.split()[:2] == ["run", str(forced_id)]


def test_start_run_json_prints_the_run(tiny_model, text_version):
    data = json.loads(run_command("start_run", "perplexity", "--model", "tiny", "--dataset", "docs", "--json"))
    run = Run.objects.get()
    assert (data["id"], data["status"], data["model"], data["dataset"], data["dataset_version"]) == (
        run.pk, "queued", "tiny", "docs", 1)
    assert data["progress"] == {"done": 0, "total": len(DOCUMENTS), "percent": 0}
    assert data["fingerprint"] == run.fingerprint


def test_start_run_picks_the_newest_dataset_version_unless_one_is_named(tiny_model, text_version, tmp_path):
    path = write_jsonl(tmp_path / "v2.jsonl", DOCUMENTS[:2])
    version2, _ = add_dataset_version(dataset=text_version.dataset, uploaded_file_or_path=path,
                                      original_name="v2.jsonl")
    run_command("start_run", "perplexity", "--model", "tiny", "--dataset", "docs")
    run_command("start_run", "perplexity", "--model", "tiny", "--dataset", "docs", "--dataset-version", "1")
    newest, named = Run.objects.order_by("pk")
    assert (newest.dataset_version, newest.progress_total) == (version2, 2)
    assert (named.dataset_version, named.progress_total) == (text_version, len(DOCUMENTS))


@pytest.mark.parametrize("args, message", [
    (["--model", "tiny", "--dataset", "docs", "--params", "{batch_size: 2}"], "--params is not valid JSON"),
    (["--model", "nope", "--dataset", "docs"], "no model with slug 'nope'"),
    (["--model", "tiny", "--dataset", "nope"], "no version of dataset 'nope'"),
    (["--model", "tiny", "--dataset", "docs", "--dataset-version", "7"], "no version of dataset 'docs' numbered 7"),
    (["--model", "tiny", "--dataset", "docs", "--params", '{"stride": 0}'], "parameter 'stride' must be at least 1"),
    (["--model", "tiny", "--dataset", "code"], "needs a 'text' dataset"),
])
def test_start_run_refusals_are_command_errors(tiny_model, text_version, code_version, enqueued,
                                               django_capture_on_commit_callbacks, args, message):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(CommandError, match=message.replace("(", r"\(")):
            run_command("start_run", "perplexity", *args)
    assert not Run.objects.exists() and enqueued == []


def test_start_run_refuses_an_unknown_evaluator(tiny_model, text_version):
    with pytest.raises(CommandError, match="no evaluator named 'bleu'"):
        run_command("start_run", "bleu", "--model", "tiny", "--dataset", "docs")


def test_run_status_prints_the_run_as_json(tiny_model, text_version):
    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    services.begin_attempt(run.pk)
    services.finish_run(run.pk, {"perplexity": 7.5, "perplexity_ci": [7.0, 8.0], "n": 6})
    data = json.loads(run_command("run_status", str(run.pk)))
    assert (data["id"], data["status"], data["attempts"]) == (run.pk, "succeeded", 1)
    assert data["metrics"] == {"perplexity": {"value": 7.5, "ci": [7.0, 8.0], "n": 6, "direction": "lower",
                                              "goal": "lower", "goal_label": "lower is better"}}
    # precision auto became the workers' format (float32 here) when the run was requested.
    assert data["spec"] == {"max_length": None, "stride": None, "batch_size": 8, "precision": "float32"}
    assert data["started_at"] is not None and data["finished_at"] is not None


def test_run_status_of_an_unknown_run_is_a_command_error():
    with pytest.raises(CommandError, match="no run with id 404"):
        run_command("run_status", "404")


def test_cancel_run_cancels_a_queued_run_and_asks_a_running_one_to_stop(tiny_model, text_version):
    queued = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    assert run_command("cancel_run", str(queued.pk)).strip() == f"run {queued.pk}: cancelled"
    queued.refresh_from_db()
    assert queued.status == Run.Status.CANCELLED

    running = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    services.begin_attempt(running.pk)
    assert run_command("cancel_run", str(running.pk)).strip() == f"run {running.pk}: running (stop requested)"
    running.refresh_from_db()
    assert running.cancel_requested and running.status == Run.Status.RUNNING


def test_cancel_run_of_an_unknown_run_is_a_command_error():
    with pytest.raises(CommandError, match="no run with id 404"):
        run_command("cancel_run", "404")
