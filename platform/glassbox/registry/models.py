"""Registered models, datasets and their immutable versions."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from evaluators.core.datasets import kind_choices

from .bounds import MAX_DESCRIPTION_LENGTH, MAX_TAG_LENGTH, MAX_TAGS, validate_tags


def _owner_field() -> models.ForeignKey:
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text="Who registered it; sees it even when private.")


def _private_field() -> models.BooleanField:
    return models.BooleanField(default=False, help_text="Visible only to its owner and administrators.")


class Model(models.Model):
    """A causal language model: a hub id pinned to a revision, a local directory, or a model served
    elsewhere (behind someone's API), which Glassbox never loads: it scores its uploaded outputs."""

    class SourceKind(models.TextChoices):
        HUB = "hub", "Hugging Face hub"
        LOCAL = "local", "Local directory"
        EXTERNAL = "external", "Served elsewhere (outputs uploaded)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices)
    source = models.CharField(max_length=500, help_text="Hub id (owner/name), an absolute local directory, or "
                                                        "for a model served elsewhere where it is served.")
    revision = models.CharField(max_length=64, blank=True, help_text="Commit hash; required for hub models. "
                                                                     "Served elsewhere: the provider's version.")
    # Bounded (bounds.py): every model list carries them. max_length on a TextField bounds its forms.
    description = models.TextField(blank=True, max_length=MAX_DESCRIPTION_LENGTH)
    license = models.CharField(max_length=100, blank=True)
    tags = models.JSONField(default=list, blank=True, validators=[validate_tags],
                            help_text=f"A list of at most {MAX_TAGS} texts of at most {MAX_TAG_LENGTH} characters.")
    trust_remote_code = models.BooleanField(
        default=False, help_text="Runs code shipped with the model. Only administrators may turn this on.")
    allow_pickle_weights = models.BooleanField(
        default=False, help_text="Loads pickle checkpoints, which can run arbitrary code.")
    # Filled from the config and tokenizer at registration (the weights are never read).
    architecture = models.CharField(max_length=200, blank=True)
    parameter_count = models.BigIntegerField(null=True, blank=True)
    context_length = models.IntegerField(null=True, blank=True)
    vocab_size = models.IntegerField(null=True, blank=True)
    dtype = models.CharField(max_length=30, blank=True)
    weights_sha256 = models.CharField(max_length=64, blank=True,
                                      help_text="For local models: a hash over the weight files.")
    owner = _owner_field()
    is_private = _private_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def served_elsewhere(self) -> bool:
        """Whether only uploaded outputs of this model can be evaluated (its weights are not here)."""
        return self.source_kind == self.SourceKind.EXTERNAL


class Dataset(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    # The kinds are the ones evaluator packages register (evaluators.core.datasets); a callable, so
    # a new kind changes no migration.
    kind = models.CharField(max_length=40, choices=kind_choices)
    description = models.TextField(blank=True, max_length=MAX_DESCRIPTION_LENGTH)
    owner = _owner_field()
    is_private = _private_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DatasetVersion(models.Model):
    """One uploaded file, never changed afterwards. The file is stored once by its SHA-256."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to="datasets/")
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)  # jsonl, json, csv or txt
    size_bytes = models.BigIntegerField()
    row_count = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="unique_dataset_version_number"),
            models.UniqueConstraint(fields=["dataset", "sha256"], name="unique_dataset_version_content"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.slug} v{self.number}"
