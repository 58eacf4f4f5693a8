"""One way to send a job: a task name and an id, sent once the transaction commits, to a task a
worker knows by that name."""
from __future__ import annotations

import importlib

import pytest
from django.db import transaction

from glassbox.config import jobs
from workers.app import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    """Every message sent to the broker: (task, args, kwargs, queue)."""
    messages: list[tuple] = []
    monkeypatch.setattr(app, "send_task", lambda name, args=None, kwargs=None, queue=None, **options:
                        messages.append((name, args, kwargs, queue)))
    return messages


@pytest.mark.django_db(transaction=True)
def test_a_job_leaves_only_when_the_transaction_commits(sent):
    with transaction.atomic():
        jobs.enqueue("workers.tasks.run_evaluation", 7, queue="gpu")
        assert sent == []
    assert sent == [("workers.tasks.run_evaluation", [7], None, "gpu")]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing(sent):
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            jobs.enqueue("workers.tasks.run_evaluation", 7, queue="gpu")
            1 / 0
    assert sent == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_job_leaves_at_once_with_its_options(sent):
    jobs.send("workers.tasks.run_evaluation", 3, queue="gpu", only_if_queued=True)
    jobs.enqueue("workers.demo_tasks.prepare_demo", queue="gpu")
    assert sent == [("workers.tasks.run_evaluation", [3], {"only_if_queued": True}, "gpu"),
                    ("workers.demo_tasks.prepare_demo", [], None, "gpu")]


def test_suggestions_are_sent_after_the_audit_is_committed(sent, django_capture_on_commit_callbacks):
    from glassbox.transparency import services

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.enqueue_suggestions(41)
    assert sent == [] and len(callbacks) == 1
    callbacks[0]()
    assert sent == [("workers.transparency_tasks.suggest_scores", [41], None, "default")]


def test_every_job_the_apps_send_names_a_task_the_workers_register():
    from glassbox.evaluations.services import RUN_TASK
    from glassbox.schedules.services import TASK as SCHEDULE_TASK
    from glassbox.site.demo.training import TASK as DEMO_TASK

    for module in app.conf.imports:
        importlib.import_module(module)
    names = {RUN_TASK, SCHEDULE_TASK, DEMO_TASK, "workers.transparency_tasks.suggest_scores"}
    assert names <= set(app.tasks), names - set(app.tasks)
