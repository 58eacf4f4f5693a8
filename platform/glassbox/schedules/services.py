"""Every write to suites, schedules, their beat tasks, change flags and reproductions."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.validators import crontab_validator

from glassbox.evaluations import services as evaluations
from glassbox.evaluations.models import Run
from glassbox.evaluations.requests import RequestError, check_request
from glassbox.registry.models import DatasetVersion, Model
from glassbox.registry.services import SLUG_NOT_AVAILABLE

from .changes import moved
from .models import Change, Reproduction, Schedule, ScheduledRun, Suite, SuiteEntry

log = logging.getLogger(__name__)
TASK = "workers.schedule_tasks.run_schedule"


class SuiteError(RequestError):
    """A suite entry that cannot be run; `field` names the form field at fault."""


def validate_entry(*, evaluator: str, dataset_version: DatasetVersion, params: dict | None) -> None:
    """Raise SuiteError unless start_run would accept this entry for some model.

    No model is at hand, so context lengths wait for start_run; a schedule runs as the system
    (no user), which may name any registered model.
    """
    try:
        check_request(evaluator, dataset_version, params)
    except RequestError as error:
        raise SuiteError(str(error), field=error.field) from None


def create_suite(*, name: str, slug: str = "", description: str = "", run_on_register: bool = False) -> Suite:
    name = (name or "").strip()
    if not name:
        raise SuiteError("a suite needs a name", field="name")
    slug = slugify(slug or name)
    if not slug or Suite.objects.filter(slug=slug).exists():
        raise SuiteError(SLUG_NOT_AVAILABLE if slug else "choose a slug", field="slug")
    return Suite.objects.create(name=name, slug=slug, description=description, run_on_register=run_on_register)


def add_entry(suite: Suite, *, evaluator: str, dataset_version: DatasetVersion,
              params: dict | None = None) -> SuiteEntry:
    validate_entry(evaluator=evaluator, dataset_version=dataset_version, params=params)
    return SuiteEntry.objects.create(suite=suite, evaluator=evaluator, dataset_version=dataset_version,
                                     params=params or {})


def run_suite(suite: Suite, models: Iterable[Model], *, force: bool = False, user=None) -> list[Run]:
    """Start (or reuse) one run per (entry, model) through start_run; return them in that order.

    An entry a model cannot take (e.g. a parameter naming a model deleted since) is logged and
    skipped, so one bad pair does not stop the rest of a nightly schedule.
    """
    models = list(models)
    runs = []
    for entry in suite.entries.select_related("dataset_version__dataset"):
        for model in models:
            try:
                runs.append(evaluations.start_run(evaluator=entry.evaluator, model=model,
                                                  dataset_version=entry.dataset_version, params=entry.params,
                                                  force=force, user=user))
            except RequestError as error:
                log.warning("suite %s: %s on %s skipped: %s", suite.slug, entry, model.slug, error)
    return runs


def selected_models(schedule: Schedule) -> list[Model]:
    """Return the models with the schedule's tag plus its listed models, by name, each once."""
    chosen = {model.pk: model for model in schedule.listed_models.all()}
    if schedule.tag:
        # Tags are a JSON list. The database narrows by the tag's text (JSON contains-a-list is not
        # on SQLite); the exact check in Python drops models where it is only part of another tag.
        candidates = Model.objects.filter(tags__icontains=schedule.tag)
        chosen.update({model.pk: model for model in candidates if schedule.tag in (model.tags or [])})
    return sorted(chosen.values(), key=lambda model: (model.name, model.pk))


def save_schedule(schedule: Schedule, *, listed_models: Iterable[Model] | None = None) -> Schedule:
    """Save the schedule and create or update its beat task (a crontab in UTC) in one transaction."""
    crontab_validator(schedule.cron)
    with transaction.atomic():
        schedule.save()
        if listed_models is not None:
            schedule.listed_models.set(listed_models)
        _sync_periodic_task(schedule)
    return schedule


def _sync_periodic_task(schedule: Schedule) -> PeriodicTask:
    minute, hour, day_of_month, month_of_year, day_of_week = schedule.cron.split()
    fields = {"minute": minute, "hour": hour, "day_of_month": day_of_month, "month_of_year": month_of_year,
              "day_of_week": day_of_week, "timezone": settings.TIME_ZONE}
    crontab = CrontabSchedule.objects.filter(**fields).first() or CrontabSchedule.objects.create(**fields)
    task, _ = PeriodicTask.objects.update_or_create(name=schedule.periodic_task_name, defaults={
        "task": TASK, "crontab": crontab, "interval": None, "args": json.dumps([schedule.pk]),
        "kwargs": "{}", "queue": "default", "enabled": schedule.enabled,
        "description": f"Runs suite '{schedule.suite.slug}' for schedule '{schedule.name}'."})
    return task


def delete_schedule(schedule: Schedule) -> None:
    with transaction.atomic():
        PeriodicTask.objects.filter(name=schedule.periodic_task_name).delete()
        schedule.delete()


def run_schedule(schedule_id: int, trigger: str = "") -> list[Run]:
    """Run the schedule's suite on its models and link every run to it; [] if it is gone or off.

    `trigger` names the beat message (its task id): when that message is delivered again (its
    worker died after starting the runs), the runs it started are returned, not started again.
    """
    schedule = Schedule.objects.select_related("suite").filter(pk=schedule_id).first()
    if schedule is None or not schedule.enabled:
        return []
    if trigger:
        started = [link.run for link in ScheduledRun.objects.filter(schedule=schedule, trigger=trigger)
                   .select_related("run").order_by("id")]
        if started:
            return started
    # One transaction: the runs are sent to the workers only once their links exist.
    with transaction.atomic():
        runs = run_suite(schedule.suite, selected_models(schedule), force=schedule.rerun)
        for run in runs:
            ScheduledRun.objects.get_or_create(schedule=schedule, run=run, defaults={"trigger": trigger})
        Schedule.objects.filter(pk=schedule.pk).update(last_started_at=timezone.now())
    return runs


def run_on_register(model: Model) -> list[Run]:
    """Run every suite marked run_on_register on a newly registered model."""
    runs = []
    for suite in Suite.objects.filter(run_on_register=True):
        runs.extend(run_suite(suite, [model]))
    return runs


def flag_changes(run_id: int) -> list[Change]:
    """Store (again) the changes of a finished scheduled run against its schedule's previous result."""
    run = Run.objects.filter(pk=run_id, status=Run.Status.SUCCEEDED).first()
    if run is None:
        return []
    flagged = []
    with transaction.atomic():
        Change.objects.filter(run=run).delete()
        for link in ScheduledRun.objects.filter(run=run).select_related("schedule"):
            previous = _previous_result(link.schedule, run)
            if previous is None:
                continue
            before = {metric.name: metric for metric in previous.metrics.all()}
            for metric in run.metrics.all():
                old = before.get(metric.name)
                if old is not None and moved(metric.value, old.value, old.ci_low, old.ci_high):
                    flagged.append(Change(schedule=link.schedule, run=run, previous=previous, metric=metric.name,
                                          value=metric.value, previous_value=old.value,
                                          previous_ci_low=old.ci_low, previous_ci_high=old.ci_high))
        Change.objects.bulk_create(flagged)
    return flagged


def _previous_result(schedule: Schedule, run: Run) -> Run | None:
    """Return the schedule's latest succeeded run before `run` of the same model, evaluator,
    dataset version and spec."""
    earlier = (Run.objects.filter(pk__in=ScheduledRun.objects.filter(schedule=schedule).values("run"),
                                  pk__lt=run.pk, model_id=run.model_id, evaluator=run.evaluator,
                                  dataset_version_id=run.dataset_version_id, status=Run.Status.SUCCEEDED)
               .order_by("-pk"))
    # Specs are compared as dicts: JSON equality in SQL differs between SQLite and PostgreSQL.
    return next((candidate for candidate in earlier if candidate.spec == run.spec), None)


def reproduce_run(run: Run, *, user=None) -> Run:
    """Queue the run's spec again (never reused) and remember which run it reproduces."""
    with transaction.atomic():
        copy = evaluations.start_run(evaluator=run.evaluator, model=run.model, dataset_version=run.dataset_version,
                                     params=run.spec, force=True, user=user)
        Reproduction.objects.create(original=run, copy=copy)
    return copy
