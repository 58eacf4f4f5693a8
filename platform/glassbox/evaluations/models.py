"""Evaluation runs, their metric results and per-sample records."""
from __future__ import annotations

from django.db import models

from evaluators import registry as evaluator_registry
from evaluators.core.base import Metric
from glassbox.registry.models import DatasetVersion, Model


class Run(models.Model):
    """One evaluation of a model on a dataset version with a frozen spec."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    evaluator = models.CharField(max_length=100)
    evaluator_version = models.CharField(max_length=50)
    model = models.ForeignKey(Model, on_delete=models.PROTECT, related_name="runs")
    dataset_version = models.ForeignKey(DatasetVersion, on_delete=models.PROTECT, related_name="runs")
    spec = models.JSONField(help_text="Every parameter of the evaluator, defaults included.")
    fingerprint = models.CharField(max_length=64, db_index=True)
    queue = models.CharField(max_length=50, default="gpu")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True,
                                        help_text="Last sign of life from the worker running it.")
    attempts = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    worker_host = models.CharField(max_length=255, blank=True)
    device = models.CharField(max_length=50, blank=True)
    dtype = models.CharField(max_length=30, blank=True)
    environment = models.JSONField(default=dict, blank=True,
                                   help_text="Library versions and hardware of the worker.")
    summary = models.JSONField(default=dict, blank=True, help_text="The evaluator's whole output.")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL)
    # A reused run holds copies of its source's results, so it keeps them when the source is deleted.
    reused_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reuses",
                                    help_text="The run whose results were copied here instead of computing them "
                                              "again (same fingerprint, another model or dataset registration).")

    class Meta:
        ordering = ["-created_at", "-id"]
        # Leaderboards look runs up by column (dataset version, evaluator, status) and a model's
        # latest run of an evaluator (the quality-versus-speed chart).
        indexes = [models.Index(fields=["dataset_version", "evaluator", "status"], name="run_column_idx"),
                   models.Index(fields=["model", "evaluator", "status", "finished_at"], name="run_model_latest_idx")]

    def __str__(self) -> str:
        return f"{self.evaluator} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return int(100 * self.progress_done / self.progress_total)


class MetricResult(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=100)
    value = models.FloatField()
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    n = models.PositiveIntegerField()
    # `direction` says which way the stored number (for a target: its distance to it) is better;
    # `target` is set where the metric's goal is a value (bias at 50, BBQ at 0), whose both sides
    # are worse. Together they are the goal the evaluator registered when the result was written.
    direction = models.CharField(max_length=10, choices=Direction.choices)
    target = models.FloatField(null=True, blank=True,
                               help_text="The value the metric should reach, where its goal is a target.")

    class Meta:
        ordering = ["run", "name"]
        constraints = [models.UniqueConstraint(fields=["run", "name"], name="unique_metric_per_run")]

    def __str__(self) -> str:
        return f"{self.name}={self.value:g}"

    @property
    def goal(self) -> str | float:
        """'higher', 'lower', or the target value."""
        return self.direction if self.target is None else self.target

    @property
    def metric(self) -> Metric:
        """The stored goal as the evaluators' Metric, for its badness and label."""
        return Metric(self.name, self.goal)

    @property
    def goal_label(self) -> str:
        return self.metric.goal_label()

    @property
    def registered(self) -> Metric | None:
        """The metric as its evaluator registers it (unit, description); None if no longer known."""
        return evaluator_registry.find_metric(self.run.evaluator, self.name)

    @property
    def unit(self) -> str:
        registered = self.registered
        return registered.unit if registered else ""

    @property
    def description(self) -> str:
        registered = self.registered
        return registered.description if registered else ""


def goal_fields(metric: Metric) -> dict:
    """Return a MetricResult's goal columns for a registered metric."""
    return {"direction": metric.direction, "target": metric.target}


class SampleRecord(models.Model):
    """One sample's outcome, written as soon as it is known so a resumed run can skip it."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="samples")
    key = models.CharField(max_length=255)
    index = models.PositiveIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="unique_sample_per_run")]


class PrecisionSweep(models.Model):
    """One evaluation at several numeric formats, the first the reference, with a speed run per format.

    Its runs are ordinary runs (one per format, reused when an equal one exists), so each keeps its
    own page, fingerprint and leaderboard row; the sweep only remembers which runs belong together.
    """

    evaluator = models.CharField(max_length=100)
    model = models.ForeignKey(Model, on_delete=models.PROTECT, related_name="precision_sweeps")
    dataset_version = models.ForeignKey(DatasetVersion, on_delete=models.PROTECT, related_name="precision_sweeps")
    params = models.JSONField(default=dict, blank=True, help_text="The evaluator's parameters except precision.")
    precisions = models.JSONField(help_text="The formats in order, each named (auto resolved); the first is "
                                            "the reference.")
    speed_dataset_version = models.ForeignKey(DatasetVersion, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="speed_sweeps",
                                              help_text="The prompts of the speed runs; none: no speed runs.")
    requested_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.evaluator} precision sweep #{self.pk}"


class SweepEntry(models.Model):
    """One format of a sweep: its quality run and, when the sweep measures speed, its speed run."""

    sweep = models.ForeignKey(PrecisionSweep, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(help_text="0 is the reference.")
    precision = models.CharField(max_length=20)
    # PROTECT: a sweep whose runs vanished could no longer say what it compared.
    quality_run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="sweep_entries")
    speed_run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="speed_sweep_entries")

    class Meta:
        ordering = ["sweep", "position"]
        constraints = [models.UniqueConstraint(fields=["sweep", "position"], name="unique_sweep_position"),
                       models.UniqueConstraint(fields=["sweep", "precision"], name="unique_sweep_precision")]

    def __str__(self) -> str:
        return f"{self.sweep} · {self.precision}"


class MedusaHeads(models.Model):
    """Trained Medusa heads of one model, named by slug so a speed run can take them (`medusa`).

    Trained on the site, they are the files of their training run (evaluator medusa-train) and
    usable once it succeeded; registered from a folder on the workers (the demo, an administrator
    with heads trained in the shell), they are `folder`. The base model is this row's model: a
    speed run of another model may not name them, and the runner checks the saved base
    fingerprint against the model it loads.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    model = models.ForeignKey(Model, on_delete=models.PROTECT, related_name="medusa_heads")
    # PROTECT: the heads are that run's files.
    training_run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    folder = models.CharField(max_length=500, blank=True,
                              help_text="Heads registered from a folder on the workers; empty when trained here.")
    weights_sha256 = models.CharField(max_length=64, blank=True,
                                      help_text="Of the folder's safetensors, for heads registered from a folder.")
    requested_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Exactly one of the two says where the weights are.
        constraints = [models.CheckConstraint(
            condition=(models.Q(training_run__isnull=False, folder="")
                       | (models.Q(training_run__isnull=True) & ~models.Q(folder=""))),
            name="medusa_heads_run_or_folder")]

    def __str__(self) -> str:
        return self.slug
