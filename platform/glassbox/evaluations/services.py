"""Every write to runs, metric results and per-sample records goes through these verbs."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from evaluators import registry as evaluator_registry
from glassbox.config import jobs
from glassbox.registry.models import DatasetVersion, Model

from .fingerprint import fingerprint
from .models import MetricResult, Run, SampleRecord, goal_fields
from .queries import visible_runs
from .requests import RequestError, check_request

log = logging.getLogger(__name__)

# The name callers have caught since before leaderboards and suites shared the check.
RunRequestError = RequestError


def start_run(*, evaluator: str, model: Model, dataset_version: DatasetVersion, params: dict | None = None,
              force: bool = False, user=None) -> Run:
    """Return the run answering this request: an equal evaluation reused, else a new queued run.

    Fingerprints ignore names, so one computation can serve every registration of the same bytes
    (two model entries for one directory, two datasets with one file). Reuse never crosses what
    `user` may see, and its result always belongs to the requested model and dataset version:

    - a run of this model on this dataset version (succeeded, queued or running) is returned as
      it is: whoever may request the pair may see its runs;
    - else the newest succeeded run with the fingerprint that `user` may see
      (queries.visible_runs; public runs only when the system starts it, user None) is
      copied into a new succeeded run of this model and dataset version, `reused_from` naming
      the source. A copy (metric results, per-sample records, summary, environment) rather
      than a pointer: pages, leaderboards, rank groups and comparisons read results and records
      by run, so they show it like any other run, and it keeps its results if the source goes;
    - else a new run is queued. So is one whose equal is still in flight on another
      registration: it has no results to copy yet.

    A run the requester may not see is neither returned nor copied, so the answer is the same
    as if it did not exist. `force` queues a new run whatever exists.
    """
    checked = check_request(evaluator, dataset_version, params, user, model=model)
    entry, spec = checked.entry, checked.spec
    print_ = fingerprint(evaluator=entry.name, evaluator_version=entry.version, spec=checked.identity_spec(),
                         model_source=model.source, model_revision=model.revision,
                         weights_sha256=model.weights_sha256, dataset_sha256=dataset_version.sha256,
                         other_models=checked.named_models)
    if not force and entry.reuse_results:
        reused = _reuse(print_, model=model, dataset_version=dataset_version, user=user)
        if reused is not None:
            return reused
    with transaction.atomic():
        run = Run.objects.create(
            evaluator=entry.name, evaluator_version=entry.version, model=model,
            dataset_version=dataset_version, spec=spec, fingerprint=print_, queue=entry.queue,
            progress_total=dataset_version.row_count, requested_by=_requester(user),
        )
        transaction.on_commit(lambda: enqueue(run))
    return run


def _requester(user):
    return user if getattr(user, "pk", None) else None


def _reuse(print_: str, *, model: Model, dataset_version: DatasetVersion, user=None) -> Run | None:
    """Return this pair's own equal run, else a copy of an equal succeeded run `user` may see, else None."""
    equal = Run.objects.filter(fingerprint=print_).exclude(status__in=[Run.Status.FAILED, Run.Status.CANCELLED])
    own = equal.filter(model=model, dataset_version=dataset_version).order_by("-created_at", "-id").first()
    if own is not None:
        return own
    source = (visible_runs(user, equal.filter(status=Run.Status.SUCCEEDED))
              .order_by("-finished_at", "-id").first())
    return None if source is None else _copy_results(source, model=model, dataset_version=dataset_version,
                                                     user=user)


COPY_BATCH = 1000


def _copy_results(source: Run, *, model: Model, dataset_version: DatasetVersion, user=None) -> Run:
    """Return a new succeeded run of `model` on `dataset_version` holding copies of `source`'s results."""
    with transaction.atomic():
        run = Run.objects.create(
            evaluator=source.evaluator, evaluator_version=source.evaluator_version, model=model,
            dataset_version=dataset_version, spec=source.spec, fingerprint=source.fingerprint, queue=source.queue,
            progress_done=source.progress_total, progress_total=source.progress_total,
            requested_by=_requester(user), reused_from=source, started_at=timezone.now(),
            # The environment describes the computation the numbers came from: the source's.
            environment=source.environment, worker_host=source.worker_host, device=source.device,
            dtype=source.dtype, summary=source.summary,
        )
        MetricResult.objects.bulk_create([
            MetricResult(run=run, name=m.name, value=m.value, ci_low=m.ci_low, ci_high=m.ci_high, n=m.n,
                         direction=m.direction, target=m.target) for m in source.metrics.all()])
        # In batches by primary key, so a run of many long generations is never held in memory whole.
        last = 0
        while batch := list(source.samples.filter(pk__gt=last).order_by("pk")
                            .values_list("pk", "key", "index", "data")[:COPY_BATCH]):
            SampleRecord.objects.bulk_create([SampleRecord(run=run, key=key, index=index, data=data)
                                              for _, key, index, data in batch])
            last = batch[-1][0]
        # Saved as finished after its results, like finish_run, so listeners (a schedule's change
        # flags) see them.
        _finish(run, Run.Status.SUCCEEDED)
    return run


RUN_TASK = "workers.tasks.run_evaluation"


def enqueue(run: Run) -> None:
    """Send the run's id to its Celery queue now (start_run calls this once its row is committed)."""
    jobs.send(RUN_TASK, run.pk, queue=run.queue)


def resend_queued(run: Run) -> None:
    """Send a queued run's id again, for a worker to start only if nobody has started it meanwhile."""
    jobs.send(RUN_TASK, run.pk, queue=run.queue, only_if_queued=True)


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
            # A run whose worker died after the cancel request was made (killed for memory,
            # say) comes back here through the redelivered message: it did start.
            _finish(run, Run.Status.CANCELLED, error=_cancelled_message(run))
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
                                        ci_low=ci[0], ci_high=ci[1], n=n, **goal_fields(metric)))
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


def mark_cancelled(run_id: int, done: int | None = None, total: int | None = None) -> None:
    """Record that the worker stopped a running run on a user's request, after `done` of `total`
    samples (its latest progress, which the throttled progress reports may not have stored)."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        if not run.is_finished:
            if done is not None and total is not None:
                run.progress_done, run.progress_total = done, total
            _finish(run, Run.Status.CANCELLED, error=_cancelled_message(run))


def cancel_run(run: Run) -> Run:
    """Cancel a queued run at once; ask a running one to stop (its worker checks within seconds)."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run.pk)
        if run.status == Run.Status.QUEUED:
            _finish(run, Run.Status.CANCELLED, error=_cancelled_message(run))
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


def _cancelled_message(run: Run) -> str:
    """Say what a cancel did: stopped a run before any attempt, or after how many samples.

    Samples stored count as done even when the last progress report (written at most once a
    second) was older; a run whose progress counts more than its samples (decoding speed counts
    passes) shows its progress.
    """
    if not run.attempts:
        return "cancelled before it started"
    done = max(run.progress_done, run.samples.count())
    return f"cancelled while running after {done} of {max(run.progress_total, done)} samples"


def _finish(run: Run, status: str, *, error: str = "") -> None:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.save()
