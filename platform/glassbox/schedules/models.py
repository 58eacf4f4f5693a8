"""Suites of evaluations, schedules that run them, and the links that say why a run exists."""
from __future__ import annotations

from django.db import models
from django_celery_beat.validators import crontab_validator

from glassbox.evaluations.models import Run
from glassbox.registry.models import DatasetVersion, Model


class Suite(models.Model):
    """A named set of evaluations (evaluator × dataset version × parameters) run together."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    run_on_register = models.BooleanField(
        default=False, help_text="Run this suite on every newly registered model.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SuiteEntry(models.Model):
    suite = models.ForeignKey(Suite, on_delete=models.CASCADE, related_name="entries")
    evaluator = models.CharField(max_length=100)
    dataset_version = models.ForeignKey(DatasetVersion, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict, blank=True, help_text="Checked against the evaluator's spec.")

    class Meta:
        ordering = ["suite", "id"]
        verbose_name_plural = "suite entries"

    def __str__(self) -> str:
        return f"{self.evaluator} on {self.dataset_version}"


class Schedule(models.Model):
    """Run a suite on the models carrying a tag and/or listed here, on a cron expression (UTC)."""

    name = models.CharField(max_length=200)
    suite = models.ForeignKey(Suite, on_delete=models.PROTECT, related_name="schedules")
    tag = models.CharField(max_length=100, blank=True, help_text="Every model with this tag.")
    listed_models = models.ManyToManyField(Model, blank=True, related_name="+", verbose_name="models",
                                           help_text="And these models.")
    cron = models.CharField(max_length=200, default="0 3 * * *", validators=[crontab_validator],
                            help_text="minute hour day-of-month month day-of-week, in UTC.")
    enabled = models.BooleanField(default=True)
    rerun = models.BooleanField(
        default=True, help_text="Evaluate again even when the same spec already finished, so drift shows.")
    last_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def periodic_task_name(self) -> str:
        return f"glassbox-schedule-{self.pk}"


class ScheduledRun(models.Model):
    """A run a schedule started: only these are compared with each other for change flags."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="scheduled_runs")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+")
    # The beat message that started it: a redelivered message finds its runs instead of starting more.
    trigger = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["schedule", "run"], name="unique_scheduled_run")]


class Change(models.Model):
    """A scheduled result outside the 95% interval of the previous scheduled result of its spec."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="changes")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+")
    previous = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=100)
    value = models.FloatField()
    previous_value = models.FloatField()
    previous_ci_low = models.FloatField(null=True, blank=True)
    previous_ci_high = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["run", "schedule", "metric"], name="unique_change")]

    def __str__(self) -> str:
        return f"{self.metric}: {self.previous_value:g} → {self.value:g}"


class Reproduction(models.Model):
    """`copy` is the same spec as `original`, queued again on request."""

    original = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+")
    copy = models.OneToOneField(Run, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
