"""The Celery tasks are thin: they take ids, tolerate extra arguments, and hand over to glassbox.evaluations.execution."""
from __future__ import annotations

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from glassbox.evaluations import execution, services
from glassbox.evaluations.models import Run
from workers import tasks
from workers.app import app

# The real enqueue, taken before the tests' fixture swaps it for a recorder.
REAL_ENQUEUE = services.enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(tiny_model, text_version) -> Run:
    return services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version)


def test_enqueue_sends_the_run_id_to_a_registered_task_on_the_runs_queue(run, monkeypatch):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args, queue: sent.append((name, args, queue)))
    REAL_ENQUEUE(run)
    assert sent == [("workers.tasks.run_evaluation", [run.pk], "gpu")]
    assert tasks.run_evaluation.name == sent[0][0] and sent[0][0] in app.tasks  # a worker knows the name


def test_the_evaluation_task_runs_the_run_and_ignores_arguments_from_a_newer_release(run):
    tasks.run_evaluation(run.pk, priority_hint="high")
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED, run.error
    assert run.metrics.count() == 4


def test_a_run_past_its_time_limit_fails_saying_which_setting_limits_it(run, monkeypatch, settings):
    def too_slow(run_id, **kwargs):
        services.begin_attempt(run_id)
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(execution, "execute", too_slow)
    tasks.run_evaluation(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert "GLASSBOX_RUN_TIME_LIMIT" in run.error
    assert f"limit of {settings.GLASSBOX_RUN_TIME_LIMIT} s" in run.error


def test_the_sweep_task_queues_stale_runs_again(run, enqueued, settings):
    services.begin_attempt(run.pk)
    old = timezone.now() - timedelta(seconds=settings.GLASSBOX_STALE_RUN_SECONDS + 1)
    Run.objects.filter(pk=run.pk).update(heartbeat_at=old)
    assert tasks.requeue_stale_runs(scheduled_by="beat") == [run.pk]
    assert enqueued == [run.pk]
