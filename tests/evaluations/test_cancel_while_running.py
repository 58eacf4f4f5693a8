"""Cancelling a running run stops its generation within the batch, and the run says how far it got."""
from __future__ import annotations

import pytest

from glassbox.evaluations import execution, services
from glassbox.evaluations.execution import execute
from glassbox.evaluations.models import Run, SampleRecord

from .conftest import write_jsonl

pytestmark = pytest.mark.django_db

TASKS = [{"id": f"t{i}", "prompt": f"def f{i}(x):\n", "references": [f"    return x + {i}\n"], "lang": "python"}
         for i in range(3)]


@pytest.fixture
def tasks_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version

    return create_dataset_with_version(name="Tasks", slug="tasks", kind="codegen", original_name="tasks.jsonl",
                                       uploaded_file_or_path=write_jsonl(tmp_path / "tasks.jsonl", TASKS))


class ForwardCounter:
    """Counts the forward passes of the models the worker loads, calling on_call(n) at each."""

    def __init__(self) -> None:
        self.calls = 0
        self.on_call = lambda n: None

    def __call__(self, module, inputs) -> None:
        self.calls += 1
        self.on_call(self.calls)


@pytest.fixture
def forwards(monkeypatch) -> ForwardCounter:
    from evaluators.core import loading

    real = loading.load_model
    counter = ForwardCounter()

    def load_model(*args, **kwargs):
        loaded = real(*args, **kwargs)
        loaded.model.register_forward_pre_hook(counter)
        return loaded

    monkeypatch.setattr(loading, "load_model", load_model)
    return counter


def test_a_cancel_stops_a_running_generation_within_its_batch(tiny_model, tasks_version, forwards, monkeypatch):
    monkeypatch.setattr(execution, "CANCEL_POLL_S", 0.0)  # read the flag at every token
    run = services.start_run(evaluator="codegen", model=tiny_model, dataset_version=tasks_version,
                             params={"batch_size": 3, "max_new_tokens": 40})

    def cancel_at_fifth_pass(n: int) -> None:
        if n == 5:  # a user presses Cancel while the one batch of three prompts is being generated
            assert services.cancel_run(Run.objects.get(pk=run.pk)).cancel_requested

    forwards.on_call = cancel_at_fifth_pass
    execute(run.pk)

    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED
    assert run.error == "cancelled while running after 0 of 3 samples"
    assert forwards.calls == 5  # the pass during which Cancel was pressed was the last, not the 40th
    assert not SampleRecord.objects.filter(run=run).exists() and not run.metrics.exists()
    assert run.finished_at is not None and run.attempts == 1


def test_a_run_whose_worker_died_after_a_cancel_says_it_was_running_not_that_it_never_started(
        tiny_model, text_version):
    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    services.begin_attempt(run.pk)
    for index, key in enumerate(("add", "fox")):
        services.record_sample(run.pk, key, index, {"nll": 1.0, "tokens": 1, "words": 1, "bytes": 1})
    services.report_progress(run.pk, 1, 6)  # progress is written at most once a second: it lags
    services.cancel_run(run)
    # The worker was killed (out of memory, say); the broker redelivers its message.
    execute(run.pk)

    run.refresh_from_db()
    assert (run.status, run.attempts) == (Run.Status.CANCELLED, 1)
    assert run.error == "cancelled while running after 2 of 6 samples"


def test_the_worker_records_its_latest_progress_when_it_stops(tiny_model, text_version):
    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    services.begin_attempt(run.pk)
    services.report_progress(run.pk, 1, 6)
    services.mark_cancelled(run.pk, 4, 6)
    run.refresh_from_db()
    assert (run.status, run.progress_done, run.progress_total) == (Run.Status.CANCELLED, 4, 6)
    assert run.error == "cancelled while running after 4 of 6 samples"


def test_the_cancel_flag_reads_the_database_at_most_every_poll_interval(tiny_model, text_version, monkeypatch,
                                                                         django_assert_num_queries):
    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)
    services.begin_attempt(run.pk)
    now = [1000.0]
    monkeypatch.setattr(execution.time, "monotonic", lambda: now[0])
    flag = execution._CancelFlag(run.pk)

    with django_assert_num_queries(1):
        assert not any(flag() for _ in range(1000))  # asked after every token: one read
    services.cancel_run(run)
    now[0] += execution.CANCEL_POLL_S - 0.01
    with django_assert_num_queries(0):
        assert flag() is False  # not looked yet
    now[0] += 0.01
    with django_assert_num_queries(1):
        assert flag() is True
    now[0] += 60
    with django_assert_num_queries(0):
        assert flag() is True  # once cancelled, always cancelled
