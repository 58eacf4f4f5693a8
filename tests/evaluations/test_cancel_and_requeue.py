"""Cancelling runs, and queuing again the runs whose worker went silent."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from glassbox.evaluations import services
from glassbox.evaluations.models import Run

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(tiny_model, text_version) -> Run:
    return services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)


def test_a_queued_run_is_cancelled_at_once(run):
    before = timezone.now()
    returned = services.cancel_run(run)
    run.refresh_from_db()
    assert returned.status == run.status == Run.Status.CANCELLED
    assert run.finished_at >= before
    assert run.error == "cancelled before it started"
    assert run.is_finished


def test_a_running_run_is_asked_to_stop_and_keeps_running_until_its_worker_notices(run):
    services.begin_attempt(run.pk)
    returned = services.cancel_run(run)
    run.refresh_from_db()
    assert returned.cancel_requested and run.cancel_requested
    assert run.status == Run.Status.RUNNING and run.finished_at is None
    assert services.report_progress(run.pk, 1, 6) is True


def test_cancelling_a_finished_run_changes_nothing(run):
    services.finish_run(run.pk, {"perplexity": 3.0, "n": 6})
    run.refresh_from_db()
    finished_at = run.finished_at
    services.cancel_run(run)
    run.refresh_from_db()
    assert (run.status, run.cancel_requested, run.finished_at) == (Run.Status.SUCCEEDED, False, finished_at)


def test_progress_without_a_cancel_request_says_go_on_and_is_stored(run):
    assert services.report_progress(run.pk, 2, 6) is False
    run.refresh_from_db()
    assert (run.progress_done, run.progress_total, run.progress_percent) == (2, 6, 33)
    assert run.heartbeat_at is not None


def test_a_late_failure_or_cancel_does_not_overwrite_a_finished_run(run):
    services.finish_run(run.pk, {"perplexity": 3.0, "n": 6})
    services.fail_run(run.pk, "too late")
    services.mark_cancelled(run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == (Run.Status.SUCCEEDED, "")


def _running_with_heartbeat(run: Run, age: timedelta) -> Run:
    services.begin_attempt(run.pk)
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - age)
    run.refresh_from_db()
    return run


def test_a_running_run_whose_heartbeat_is_old_is_queued_again_and_its_heartbeat_refreshed(
        run, tiny_model, text_version, enqueued, settings):
    settings.GLASSBOX_STALE_RUN_SECONDS = 600
    stale = _running_with_heartbeat(run, timedelta(seconds=601))
    fresh = _running_with_heartbeat(
        services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version, force=True),
        timedelta(seconds=599))
    # A queued run has no worker to lose, and a finished one is done, however old.
    services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version, force=True)
    old_heartbeat = fresh.heartbeat_at
    before = timezone.now()

    assert services.requeue_stale_runs() == [stale.pk]

    assert enqueued == [stale.pk]
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.heartbeat_at >= before
    assert stale.status == Run.Status.RUNNING  # the next worker resumes it from its records
    assert fresh.heartbeat_at == old_heartbeat
    # Refreshed, it is not queued a second time by the next sweep a minute later.
    assert services.requeue_stale_runs() == []
    assert enqueued == [stale.pk]


def test_a_finished_run_with_an_old_heartbeat_is_left_alone(run, enqueued):
    stale = _running_with_heartbeat(run, timedelta(days=1))
    services.fail_run(stale.pk, "gone")
    assert services.requeue_stale_runs() == []
    assert enqueued == []


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    """Every message sent to the broker: (task, args, kwargs, queue)."""
    from workers.app import app

    messages: list[tuple] = []
    monkeypatch.setattr(app, "send_task", lambda name, args=None, kwargs=None, queue=None, **options:
                        messages.append((name, args, kwargs, queue)))
    return messages


def _queued_since(run: Run, age: timedelta) -> Run:
    Run.objects.filter(pk=run.pk).update(created_at=timezone.now() - age)
    run.refresh_from_db()
    return run


def test_a_run_queued_for_too_long_is_sent_again_once_per_period_to_start_only_if_still_queued(
        run, tiny_model, text_version, sent, settings):
    # A broker restarted without persistence has lost the message; the sweep sends a new one.
    settings.GLASSBOX_STALE_RUN_SECONDS = 600
    sent.clear()
    old = _queued_since(run, timedelta(seconds=601))
    _queued_since(services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version,
                                     force=True), timedelta(seconds=599))
    sent.clear()

    assert services.requeue_stale_runs() == [old.pk]
    assert sent == [("workers.tasks.run_evaluation", [old.pk], {"only_if_queued": True}, "gpu")]
    old.refresh_from_db()
    assert old.status == Run.Status.QUEUED and old.attempts == 0
    assert services.requeue_stale_runs() == []  # not again at the next sweep a minute later
    Run.objects.filter(pk=old.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=601))
    assert services.requeue_stale_runs() == [old.pk]  # but again a period later


def test_a_resent_message_does_not_start_a_run_a_worker_already_runs(run):
    assert services.begin_attempt(run.pk) is not None
    run.refresh_from_db()
    heartbeat = run.heartbeat_at
    assert services.begin_attempt(run.pk, only_if_queued=True) is None
    run.refresh_from_db()
    assert (run.status, run.attempts, run.heartbeat_at) == (Run.Status.RUNNING, 1, heartbeat)
    # A redelivered original message (its worker died) still resumes the run.
    assert services.begin_attempt(run.pk).attempts == 2


def test_a_resent_message_starts_a_run_that_is_still_queued(run):
    started = services.begin_attempt(run.pk, only_if_queued=True)
    assert (started.status, started.attempts) == (Run.Status.RUNNING, 1)


def test_a_sweep_costs_four_queries_however_many_runs_it_sends_again(
        run, tiny_model, text_version, enqueued, sent, settings, django_assert_num_queries):
    settings.GLASSBOX_STALE_RUN_SECONDS = 600
    stale = [_running_with_heartbeat(run, timedelta(seconds=700))]
    waiting = []
    for _ in range(3):
        stale.append(_running_with_heartbeat(
            services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version, force=True),
            timedelta(seconds=700)))
        waiting.append(_queued_since(
            services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version, force=True),
            timedelta(seconds=700)))
    sent.clear()
    enqueued.clear()
    with django_assert_num_queries(4):  # find and refresh the stale runs, then the waiting ones
        requeued = services.requeue_stale_runs()
    assert sorted(requeued) == sorted(r.pk for r in stale + waiting)
    assert sorted(enqueued) == sorted(r.pk for r in stale)
    assert sorted(args[0] for _, args, _, _ in sent) == sorted(r.pk for r in waiting)
    assert services.requeue_stale_runs() == []  # every one was refreshed
