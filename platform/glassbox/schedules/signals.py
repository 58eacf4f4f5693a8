"""Receivers: registry and evaluations never import this app; it listens to their saves instead."""
from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from glassbox.evaluations.models import Run
from glassbox.registry.models import Model

from . import services


@receiver(post_save, sender=Model, dispatch_uid="schedules-run-on-register")
def run_suites_on_register(sender, instance: Model, created: bool, raw: bool = False, **kwargs) -> None:
    # After commit: a registration rolled back must not leave runs behind, nor fail on a suite's error.
    if created and not raw:
        transaction.on_commit(partial(services.run_on_register, instance), robust=True)


@receiver(post_save, sender=Run, dispatch_uid="schedules-flag-changes")
def flag_changes_when_finished(sender, instance: Run, created: bool, raw: bool = False, **kwargs) -> None:
    # finish_run saves the run after its metric results, so they are all there at commit.
    if not created and not raw and instance.status == Run.Status.SUCCEEDED:
        transaction.on_commit(partial(services.flag_changes, instance.pk), robust=True)
