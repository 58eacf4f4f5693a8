"""Every write to runs, metric results and per-sample records goes through these verbs."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evaluators import registry as evaluator_registry
from evaluators.base import SpecError, spec_to_dict
from glassbox.accounts import roles
from glassbox.registry.models import DatasetVersion, Model

from .fingerprint import fingerprint, unstorable_parameters
from .models import MetricResult, Run, SampleRecord

log = logging.getLogger(__name__)


class RunRequestError(ValueError):
    """An evaluation request that cannot be queued; the message says why."""


def start_run(*, evaluator: str, model: Model, dataset_version: DatasetVersion, params: dict | None = None,
              force: bool = False, user=None) -> Run:
    """Reuse a finished (or in-flight) run with the same fingerprint, else queue a new one."""
    try:
        entry = evaluator_registry.get(evaluator)
    except KeyError as error:
        raise RunRequestError(error.args[0]) from None
    kind = dataset_version.dataset.kind
    if kind != entry.dataset_kind:
        raise RunRequestError(f"evaluator '{evaluator}' needs a '{entry.dataset_kind}' dataset; "
                              f"'{dataset_version.dataset.slug}' is '{kind}'")
    try:
        spec = spec_to_dict(entry.make_spec(params))
    except SpecError as error:
        raise RunRequestError(str(error)) from None
    if unstorable := unstorable_parameters(spec):
        raise RunRequestError(f"parameter '{unstorable[0]}' must be a finite number or text without NUL "
                              f"characters, got {spec[unstorable[0]]!r}")
    print_ = fingerprint(evaluator=entry.name, evaluator_version=entry.version, spec=spec,
                         model_source=model.source, model_revision=model.revision,
                         weights_sha256=model.weights_sha256, dataset_sha256=dataset_version.sha256,
                         other_models=_named_models(entry, spec, user))
    if not force and entry.reuse_results:
        reusable = (Run.objects.filter(fingerprint=print_)
                    .exclude(status__in=[Run.Status.FAILED, Run.Status.CANCELLED])
                    .order_by("-created_at").first())
        if reusable is not None:
            return reusable
    with transaction.atomic():
        run = Run.objects.create(
            evaluator=entry.name, evaluator_version=entry.version, model=model,
            dataset_version=dataset_version, spec=spec, fingerprint=print_, queue=entry.queue,
            progress_total=dataset_version.row_count, requested_by=user if getattr(user, "pk", None) else None,
        )
        transaction.on_commit(lambda: enqueue(run))
    return run


def _named_models(entry, spec: dict, user=None) -> dict[str, dict]:
    """Return the identity of every other registered model the spec names (e.g. a draft model).

    A person may only name models they can see; runs started by the system (user None) any model.
    """
    candidates = Model.objects.all() if user is None else roles.visible_models(user)
    identities = {}
    for name in entry.model_params:
        slug = spec.get(name)
        if not slug:
            continue
        other = candidates.filter(slug=slug).first()
        if other is None:
            raise RunRequestError(f"{name}: no registered model with slug '{slug}'")
        identities[name] = {"source": other.source, "revision": other.revision,
                            "weights_sha256": other.weights_sha256}
    return identities


def enqueue(run: Run) -> None:
    """Send the run's id to its Celery queue."""
    from workers.app import app  # the web process only needs the app to send, not the tasks

    app.send_task("workers.tasks.run_evaluation", args=[run.pk], queue=run.queue)


def resend_queued(run: Run) -> None:
    """Send a queued run's id again, for a worker to start only if nobody has started it meanwhile."""
    from workers.app import app

    app.send_task("workers.tasks.run_evaluation", args=[run.pk], kwargs={"only_if_queued": True}, queue=run.queue)


def begin_attempt(run_id: int, *, only_if_queued: bool = False) -> Run | None:
    """Mark the run running for one more attempt; None when there is nothing to do.

    only_if_queued: the message is a re-send of a queued run (see `requeue_stale_runs`); when the
    first message got through after all, the run is already running and must not run twice at once.
    """
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.is_finished or (only_if_queued and run.status != Run.Status.QUEUED):
            return None
        now = timezone.now()
        if run.cancel_requested:
            _finish(run, Run.Status.CANCELLED, error="cancelled before it started")
            return None
        run.status = Run.Status.RUNNING
        run.attempts += 1
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
    return run


def record_environment(run_id: int, environment: dict) -> None:
    Run.objects.filter(pk=run_id).update(
        environment=environment, worker_host=str(environment.get("host", ""))[:255],
        device=str(environment.get("device", ""))[:50], dtype=str(environment.get("dtype", ""))[:30])


def record_sample(run_id: int, key: str, index: int, data: dict) -> None:
    """Store one sample's record; storing it again (a redelivered task) replaces it."""
    SampleRecord.objects.update_or_create(run_id=run_id, key=key, defaults={"index": index, "data": data})


def report_progress(run_id: int, done: int, total: int) -> bool:
    """Store progress and a heartbeat; return whether someone asked to cancel the run."""
    Run.objects.filter(pk=run_id).update(progress_done=done, progress_total=total, heartbeat_at=timezone.now())
    return Run.objects.filter(pk=run_id, cancel_requested=True).exists()


def finish_run(run_id: int, summary: dict) -> Run:
    """Store the evaluator's output and its registered metrics, and mark the run succeeded."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        entry = evaluator_registry.get(run.evaluator)
        run.metrics.all().delete()
        results = []
        for metric in entry.metrics:
            if summary.get(metric.name) is None:
                continue
            ci = summary.get(f"{metric.name}_ci") or [None, None]
            # A metric computed on a subset (e.g. BBQ's ambiguous contexts) reports its own count.
            n = int(summary.get(f"{metric.name}_n", summary.get("n", 0)))
            results.append(MetricResult(run=run, name=metric.name, value=float(summary[metric.name]),
                                        ci_low=ci[0], ci_high=ci[1], n=n, direction=metric.direction))
        MetricResult.objects.bulk_create(results)
        run.summary = summary
        run.progress_done = run.progress_total
        _finish(run, Run.Status.SUCCEEDED)
    return run


def fail_run(run_id: int, message: str) -> None:
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        if not run.is_finished:
            _finish(run, Run.Status.FAILED, error=message)


def mark_cancelled(run_id: int) -> None:
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        if not run.is_finished:
            _finish(run, Run.Status.CANCELLED, error="cancelled by a user")


def cancel_run(run: Run) -> Run:
    """Cancel a queued run at once; ask a running one to stop (its worker checks within seconds)."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run.pk)
        if run.status == Run.Status.QUEUED:
            _finish(run, Run.Status.CANCELLED, error="cancelled before it started")
        elif run.status == Run.Status.RUNNING:
            run.cancel_requested = True
            run.save(update_fields=["cancel_requested"])
    return run


def requeue_stale_runs() -> list[int]:
    """Queue again the runs whose worker stopped reporting (they resume from their records), and
    send again the runs queued for longer than GLASSBOX_STALE_RUN_SECONDS."""
    cutoff = timezone.now() - timedelta(seconds=settings.GLASSBOX_STALE_RUN_SECONDS)
    stale = list(Run.objects.filter(status=Run.Status.RUNNING, heartbeat_at__lt=cutoff))
    Run.objects.filter(pk__in=[run.pk for run in stale]).update(heartbeat_at=timezone.now())
    for run in stale:
        log.warning("run %s: no heartbeat since %s, queuing it again", run.pk, run.heartbeat_at)
        enqueue(run)
    # A broker that restarts without persistence (Redis with --save "") loses queued messages, and
    # their runs would wait forever. heartbeat_at of a queued run is when it was last re-sent, so a
    # long queue behind busy workers gets one more message per period, not one per sweep.
    waiting = list(Run.objects.filter(status=Run.Status.QUEUED, created_at__lt=cutoff)
                   .exclude(heartbeat_at__gte=cutoff))
    Run.objects.filter(pk__in=[run.pk for run in waiting]).update(heartbeat_at=timezone.now())
    for run in waiting:
        log.warning("run %s: still queued since %s, sending it again", run.pk, run.created_at)
        resend_queued(run)
    return [run.pk for run in stale + waiting]


def _finish(run: Run, status: str, *, error: str = "") -> None:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.save()
