"""Leaderboards and their frozen snapshots."""
from __future__ import annotations

import uuid

from django.db import models

from glassbox.registry.models import DatasetVersion


class Leaderboard(models.Model):
    """Models ranked by `primary_metric` of one evaluator with one full spec on one dataset version.

    The column key is (evaluator, spec): `spec` is the evaluator's full spec, defaults included,
    so runs with any other parameter (even batch_size) never share this leaderboard's column.
    """

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    dataset_version = models.ForeignKey(DatasetVersion, on_delete=models.PROTECT, related_name="leaderboards")
    evaluator = models.CharField(max_length=100)
    metrics = models.JSONField(help_text="Metric names shown as columns, the primary one included.")
    primary_metric = models.CharField(max_length=100)
    spec = models.JSONField(help_text="The evaluator's full spec; only runs with exactly this spec are ranked.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Snapshot(models.Model):
    """A leaderboard frozen at one moment: its whole export, kept unchanged under a permanent URL."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    leaderboard = models.ForeignKey(Leaderboard, on_delete=models.PROTECT, related_name="snapshots")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    table = models.JSONField(help_text="The leaderboard's JSON export at created_at.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.leaderboard.slug} @ {self.created_at:%Y-%m-%d %H:%M}"
