"""A killed attempt resumes where it stopped; finished runs stay finished; cancelling stops a run."""
from __future__ import annotations

import pytest

from glassbox.evaluations import execution, services
from glassbox.evaluations.execution import execute
from glassbox.evaluations.models import Run, SampleRecord
from tests.evaluations.conftest import DOCUMENTS

pytestmark = pytest.mark.django_db
# The smallest batches make the smallest resumable groups: with six documents a worker that dies
# storing the last one has finished at least one whole group, however many batches a group holds.
BATCH = 1
KEYS = [row["id"] for row in DOCUMENTS]
RECORD_SAMPLE = services.record_sample


class WorkerKilled(BaseException):
    """Stands for the worker process dying: not an Exception, so execute cannot catch it."""


def start(tiny_model, text_version, **kwargs) -> Run:
    return services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                              params={"batch_size": BATCH}, **kwargs)


def recording_samples(monkeypatch, die_after: int | None = None) -> list[str]:
    """Record each stored sample's key; with die_after, the worker dies storing the next one."""
    stored: list[str] = []
    real = RECORD_SAMPLE

    def record_sample(run_id, key, index, data):
        if die_after is not None and len(stored) == die_after:
            raise WorkerKilled()
        real(run_id, key, index, data)
        stored.append(key)

    monkeypatch.setattr(services, "record_sample", record_sample)
    return stored


def outcome(run: Run) -> tuple[dict, dict]:
    metrics = {m.name: (m.value, m.ci_low, m.ci_high, m.n) for m in run.metrics.all()}
    return metrics, dict(SampleRecord.objects.filter(run=run).values_list("key", "data"))


def test_a_killed_worker_resumes_where_it_stopped_with_bit_identical_numbers(tiny_model, text_version,
                                                                           monkeypatch):
    run = start(tiny_model, text_version)
    first_attempt = recording_samples(monkeypatch, die_after=len(KEYS) - 1)
    with pytest.raises(WorkerKilled):
        execute(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (Run.Status.RUNNING, 1)
    assert first_attempt == KEYS[:-1]
    first_records = {r.key: r.created_at for r in SampleRecord.objects.filter(run=run)}

    second_attempt = recording_samples(monkeypatch)
    execute(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED, run.error
    assert run.attempts == 2
    # Only the unfinished tail is scored again: the documents of its half-done group, in order.
    assert 1 <= len(second_attempt) < len(KEYS)
    assert second_attempt == KEYS[len(KEYS) - len(second_attempt):]
    for record in SampleRecord.objects.filter(run=run).exclude(key__in=second_attempt):
        assert record.created_at == first_records[record.key], "a finished document was stored again"
    keys = list(SampleRecord.objects.filter(run=run).values_list("key", flat=True))
    assert sorted(keys) == sorted(KEYS)  # each once

    uninterrupted = start(tiny_model, text_version, force=True)
    recording_samples(monkeypatch)
    execute(uninterrupted.pk)
    uninterrupted.refresh_from_db()
    assert uninterrupted.attempts == 1
    resumed_metrics, resumed_records = outcome(run)
    fresh_metrics, fresh_records = outcome(uninterrupted)
    assert resumed_metrics == fresh_metrics  # exactly equal, not approximately
    assert resumed_records == fresh_records
    assert run.summary == uninterrupted.summary


def test_executing_a_finished_run_does_nothing(tiny_model, text_version, monkeypatch):
    run = start(tiny_model, text_version)
    execute(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED, run.error
    before = (run.attempts, run.finished_at, outcome(run))

    stored = recording_samples(monkeypatch)
    execute(run.pk)  # a redelivered task
    run.refresh_from_db()
    assert (run.attempts, run.finished_at, outcome(run)) == before
    assert stored == []


@pytest.mark.parametrize("status", [Run.Status.FAILED, Run.Status.CANCELLED])
def test_executing_a_failed_or_cancelled_run_does_nothing(tiny_model, text_version, monkeypatch, status):
    run = start(tiny_model, text_version)
    Run.objects.filter(pk=run.pk).update(status=status)
    stored = recording_samples(monkeypatch)
    execute(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts, stored) == (status, 0, [])


def test_executing_a_deleted_run_does_nothing():
    execute(424242)
    assert not Run.objects.exists()


def test_a_run_cancelled_before_it_started_ends_cancelled_without_an_attempt(tiny_model, text_version,
                                                                           monkeypatch):
    run = start(tiny_model, text_version)
    Run.objects.filter(pk=run.pk).update(cancel_requested=True)
    stored = recording_samples(monkeypatch)
    execute(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts, stored) == (Run.Status.CANCELLED, 0, [])
    assert run.error == "cancelled before it started" and run.finished_at is not None


def test_cancelling_a_running_run_stops_it_at_the_next_progress_report(tiny_model, text_version, monkeypatch):
    monkeypatch.setattr(execution, "PROGRESS_INTERVAL_S", 0.0)  # check the flag after every group
    run = start(tiny_model, text_version)
    stored: list[str] = []
    real = RECORD_SAMPLE

    def record_and_cancel(run_id, key, index, data):
        real(run_id, key, index, data)
        stored.append(key)
        if len(stored) == 1:  # a user presses Cancel while the first group is being stored
            assert services.cancel_run(Run.objects.get(pk=run_id)).cancel_requested

    monkeypatch.setattr(services, "record_sample", record_and_cancel)
    execute(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED
    assert run.error == f"cancelled while running after {len(stored)} of {len(KEYS)} samples"
    # The group being stored is finished; the documents after it are never scored.
    assert 1 <= len(stored) < len(KEYS) and stored == KEYS[:len(stored)]
    assert not run.metrics.exists()


def test_a_cancel_noticed_only_at_the_end_still_cancels(tiny_model, text_version, monkeypatch):
    # With the default interval small groups report no progress until the last one, which always does.
    monkeypatch.setattr(execution, "PROGRESS_INTERVAL_S", 3600.0)
    run = start(tiny_model, text_version)
    real = RECORD_SAMPLE

    def record_and_cancel(run_id, key, index, data):
        real(run_id, key, index, data)
        Run.objects.filter(pk=run_id).update(cancel_requested=True)

    monkeypatch.setattr(services, "record_sample", record_and_cancel)
    execute(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED and not run.metrics.exists()
