"""Checklists of indicators, audits of a subject against one checklist, per-rater scores with
evidence, reconciled final scores, disputes, and the history of every change."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from .history import describe


class Checklist(models.Model):
    slug = models.SlugField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200, blank=True)
    source = models.TextField(blank=True, help_text="Where the indicators come from, with attribution.")
    builtin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="unique_checklist_version")]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"


class Indicator(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField()
    domain = models.CharField(max_length=200)
    subdomain = models.CharField(max_length=200)
    name = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "position"], name="unique_indicator_position")]

    def __str__(self) -> str:
        return self.name


class ReferenceScore(models.Model):
    """An official published score (FMTI) of one developer on one indicator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="reference_scores")
    developer = models.CharField(max_length=200)
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "developer"], name="unique_reference_score")]


class Subject(models.Model):
    """What is audited: a registered model, or a developer's flagship model by name."""

    developer = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    model = models.ForeignKey("registry.Model", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["developer", "name"]

    def __str__(self) -> str:
        return f"{self.developer} · {self.name}"


class Audit(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="audits")
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="audits")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    suggestion = models.JSONField(null=True, blank=True, help_text="The latest suggested scores.")
    suggestion_progress = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} against {self.checklist}"


class Document(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)  # txt, md, html, pdf, card
    sha256 = models.CharField(max_length=64)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "pk"]

    def __str__(self) -> str:
        return self.title


class IndicatorScore(models.Model):
    """One rater's score of one indicator, with the evidence for it."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    quote = models.TextField(blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    justification = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "indicator", "rater"], name="unique_rater_score")]


class FinalScore(models.Model):
    """The reconciled score of one indicator; public once the audit is published."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="final_scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    justification = models.TextField(blank=True)
    reconciled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "indicator"], name="unique_final_score")]


class Dispute(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="disputes")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]


class Change(models.Model):
    """One entry in an audit's history: who did what, to which indicator, with the values."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="changes")
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    detail = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    @property
    def summary(self) -> str:
        """The change's values in words (transparency/history.py)."""
        return describe(self.action, self.detail)
