"""Schedules: saving one keeps its django-celery-beat task in step, and running one picks its
models by tag or list and links every run to it."""
from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db


def make_schedule(suite, **fields):
    from glassbox.schedules import services
    from glassbox.schedules.models import Schedule

    listed = fields.pop("listed_models", None)
    return services.save_schedule(Schedule(name="Nightly", suite=suite, **fields), listed_models=listed)


def test_saving_a_schedule_creates_and_updates_its_beat_task(suite):
    from glassbox.schedules import services

    schedule = make_schedule(suite, tag="nightly", cron="30 2 * * 1")
    task = PeriodicTask.objects.get(name=f"glassbox-schedule-{schedule.pk}")
    assert task.task == "workers.schedule_tasks.run_schedule" and json.loads(task.args) == [schedule.pk]
    assert task.queue == "default" and task.enabled and task.interval is None
    cron = task.crontab
    assert (cron.minute, cron.hour, cron.day_of_month, cron.month_of_year, cron.day_of_week) == \
        ("30", "2", "*", "*", "1")
    assert str(cron.timezone) == "UTC"
    schedule.cron, schedule.enabled = "0 */6 * * *", False
    services.save_schedule(schedule)
    task = PeriodicTask.objects.get(name=f"glassbox-schedule-{schedule.pk}")
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("0", "*/6", False)
    assert PeriodicTask.objects.filter(task="workers.schedule_tasks.run_schedule").count() == 1
    services.delete_schedule(schedule)
    assert not PeriodicTask.objects.filter(task="workers.schedule_tasks.run_schedule").exists()


def test_a_bad_cron_expression_saves_nothing(suite):
    from glassbox.schedules.models import Schedule

    with pytest.raises(ValidationError):
        make_schedule(suite, tag="nightly", cron="61 * * * *")
    assert not Schedule.objects.exists() and not PeriodicTask.objects.exists()


def test_the_beat_task_is_the_registered_celery_task():
    from workers.app import app
    from workers.schedule_tasks import run_schedule

    assert "workers.schedule_tasks" in app.conf.imports
    assert run_schedule.name == "workers.schedule_tasks.run_schedule" and run_schedule.queue == "default"


def test_the_database_scheduler_keeps_the_stale_run_sweep(suite):
    from django_celery_beat.schedulers import DatabaseScheduler

    from workers.app import app

    # Every hour: beat only loads the crontab tasks due within about two hours of now.
    schedule = make_schedule(suite, tag="nightly", cron="*/15 * * * *")
    entries = DatabaseScheduler(app=app).all_as_schedule()
    sweep = PeriodicTask.objects.get(name="requeue-stale-runs")
    assert sweep.task == "workers.tasks.requeue_stale_runs" and sweep.queue == "default"
    assert (sweep.interval.every, sweep.interval.period) == (60, "seconds")
    assert {"requeue-stale-runs", schedule.periodic_task_name} <= set(entries)


def test_run_schedule_runs_the_suite_on_the_tagged_and_listed_models(
        suite, tiny_model, other_model, tagged_model, enqueued, django_capture_on_commit_callbacks):
    from glassbox.schedules import services
    from glassbox.schedules.models import ScheduledRun
    from workers.schedule_tasks import run_schedule

    by_tag = make_schedule(suite, tag="nightly")
    with django_capture_on_commit_callbacks(execute=True):
        ids = run_schedule(by_tag.pk)
    runs = list(ScheduledRun.objects.filter(schedule=by_tag).select_related("run"))
    assert sorted(link.run.pk for link in runs) == sorted(ids) == sorted(enqueued)
    assert {link.run.model_id for link in runs} == {tagged_model.pk} and len(runs) == 2
    both = make_schedule(suite, tag="nightly", listed_models=[other_model])
    assert {run.model_id for run in services.run_schedule(both.pk)} == {tagged_model.pk, other_model.pk}
    both.enabled = False
    services.save_schedule(both)
    assert services.run_schedule(both.pk) == [] and services.run_schedule(10_000) == []


def test_staff_edit_schedules_on_the_site_and_others_only_read(client, admin_client, suite, tiny_model):
    from glassbox.schedules.models import Schedule

    form = {"name": "Weekly", "suite": suite.pk, "listed_models": [tiny_model.pk], "cron": "0 4 * * 0",
            "enabled": "on", "rerun": "on"}
    assert client.post(reverse("schedules:schedule-create"), form).status_code == 302
    assert not Schedule.objects.exists()
    response = admin_client.post(reverse("schedules:schedule-create"), form)
    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert list(schedule.listed_models.all()) == [tiny_model]
    assert PeriodicTask.objects.get(name=schedule.periodic_task_name).crontab.day_of_week == "0"
    page = client.get(reverse("schedules:index")).content.decode()
    assert "Weekly" in page and "0 4 * * 0" in page and "Nightly perplexity" in page
    assert reverse("schedules:schedule-edit", args=[schedule.pk]) not in page
    refused = admin_client.post(reverse("schedules:schedule-create"), {**form, "listed_models": []})
    assert refused.status_code == 200 and "Choose the models" in refused.content.decode()


def test_the_site_refuses_a_suite_entry_with_a_bad_parameter(admin_client, suite, text_version):
    url = reverse("schedules:entry-create", args=[suite.slug])
    response = admin_client.post(url, {"evaluator": "perplexity", "dataset_version": text_version.pk,
                                       "params": '{"batch_size": "eight"}'})
    assert response.status_code == 200 and "batch_size" in response.content.decode()
    assert suite.entries.count() == 2


def test_the_admin_saves_a_schedule_with_its_beat_task(admin_client, suite, tiny_model):
    from glassbox.schedules.models import Schedule

    for name in ("schedule", "suite"):
        assert admin_client.get(reverse(f"admin:schedules_{name}_add")).status_code == 200
    response = admin_client.post(reverse("admin:schedules_schedule_add"), {
        "name": "Hourly", "suite": suite.pk, "tag": "", "listed_models": [tiny_model.pk], "cron": "5 * * * *",
        "enabled": "on", "rerun": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = Schedule.objects.get(name="Hourly")
    assert PeriodicTask.objects.get(name=schedule.periodic_task_name).crontab.minute == "5"
    admin_client.post(reverse("admin:schedules_schedule_delete", args=[schedule.pk]), {"post": "yes"})
    assert not Schedule.objects.exists() and not PeriodicTask.objects.filter(name=schedule.periodic_task_name).exists()


def test_a_redelivered_beat_message_does_not_start_the_runs_again(
        suite, tagged_model, enqueued, django_capture_on_commit_callbacks):
    from glassbox.evaluations.models import Run
    from workers.schedule_tasks import run_schedule

    schedule = make_schedule(suite, tag="nightly")
    with django_capture_on_commit_callbacks(execute=True):
        first = run_schedule.apply(args=[schedule.pk], task_id="beat-message-1").get()
        again = run_schedule.apply(args=[schedule.pk], task_id="beat-message-1").get()
    assert again == first and len(first) == 2 and sorted(enqueued) == sorted(first)
    with django_capture_on_commit_callbacks(execute=True):
        later = run_schedule.apply(args=[schedule.pk], task_id="beat-message-2").get()
    # The schedule reruns (forced): the next beat message starts new runs.
    assert set(later).isdisjoint(first) and Run.objects.count() == 4


def test_tag_selection_matches_whole_tags_only(suite, tagged_model, tiny_model_dir):
    from glassbox.registry.services import register_model
    from glassbox.schedules import services

    register_model(name="Near miss", slug="near", source=str(tiny_model_dir), tags=["nightly-extra", "NIGHTLY"])
    register_model(name="Also nightly", slug="also", source=str(tiny_model_dir), tags=["gpu", "nightly"])
    schedule = make_schedule(suite, tag="nightly")
    assert [model.slug for model in services.selected_models(schedule)] == ["also", "tagged"]
