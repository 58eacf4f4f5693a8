"""One attempt at a run: load it, call its evaluator with hooks that write through the services.

The Celery task (workers/tasks.py) only hands a run id here; everything an attempt does lives in
the app that owns runs, so tests, a shell or another transport run a run exactly as a worker does.
"""
from __future__ import annotations

import logging
import socket
import time
import traceback

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

from evaluators import registry as evaluator_registry
from evaluators.core.base import Cancelled, EvaluationError, ModelRef, RunContext
from evaluators.core.specs import SpecError
from evaluators.core.datasets import DatasetError
from glassbox.registry.models import Model
from glassbox.registry.queries import dataset_rows

from . import queries, services
# The device lock lives in this app, not in workers/: an app may not import workers, and every
# caller of execute (the Celery task, tests, a shell) must keep a timing off a shared device,
# so the lock is part of running a run rather than something a caller may forget to pass.
from .artifacts import run_output_dir
from .device_lock import device_lock
from .heads.checks import heads_folders
from .models import Run
from .uploads import UploadError, check_model_loadable, upload_rows

log = logging.getLogger(__name__)

# Progress and the cancel flag are checked at most this often, so small batches don't flood the database.
PROGRESS_INTERVAL_S = 1.0
# Inside a batch (after every generated token) the cancel flag is read at most this often: a
# cancelled generation stops within about a second, and the database sees two indexed reads a
# second per busy worker at most.
CANCEL_POLL_S = 0.5


def _write(function, *args):
    """Call a service that writes, once more on a fresh connection if the database dropped ours.

    A PostgreSQL restart, failover or pg_terminate_backend kills the connection in the middle of a
    run; Django only replaces a broken connection between tasks, so without this the run would fail
    (or, failing to record that, hang as running) although the database is back a moment later.
    Every service called here is idempotent, so running it twice is safe.
    """
    try:
        return function(*args)
    except (OperationalError, InterfaceError) as error:
        if connection.in_atomic_block:
            raise
        log.warning("database connection lost (%s); reconnecting once", str(error).strip())
        connection.close()
        return function(*args)


class _ProgressReporter:
    """Writes progress with a heartbeat and raises Cancelled once a user has asked to stop."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0
        # The latest figures seen, written or not, so a cancelled run can say how far it got.
        self.done: int | None = None
        self.total: int | None = None

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_INTERVAL_S:
            return
        self.last = now
        if _write(services.report_progress, self.run_id, done, total):
            raise Cancelled()


class _CancelFlag:
    """The evaluator's should_stop(): whether a user asked to stop the run, read from the database
    at most every CANCEL_POLL_S seconds however often it is asked (it is asked after every token)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = float("-inf")
        self.requested = False

    def __call__(self) -> bool:
        now = time.monotonic()
        if not self.requested and now - self.last >= CANCEL_POLL_S:
            self.last = now
            self.requested = _write(_cancel_requested, self.run_id)
        return self.requested


def _cancel_requested(run_id: int) -> bool:
    return Run.objects.filter(pk=run_id, cancel_requested=True).exists()


class _SampleWriter:
    """Stores each per-sample record as soon as the evaluator produces it."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id

    def __call__(self, key: str, index: int, data: dict) -> None:
        _write(services.record_sample, self.run_id, key, index, data)


def _model_ref(model: Model) -> ModelRef:
    return ModelRef(source=model.source, revision=model.revision or None,
                    trust_remote_code=model.trust_remote_code, allow_pickle_weights=model.allow_pickle_weights)


def _named_models(evaluator, spec: dict) -> dict[str, ModelRef]:
    """Resolve the spec fields that name other registered models (e.g. a draft) by slug."""
    refs = {}
    for name in evaluator.model_params:
        slug = spec.get(name)
        if slug:
            model = Model.objects.filter(slug=slug).first()
            if model is None:
                raise EvaluationError(f"{name}: no registered model with slug '{slug}' (was it deleted?)")
            refs[name] = _model_ref(model)
    return refs


def execute(run_id: int, *, only_if_queued: bool = False) -> None:
    """Run one attempt; only_if_queued: do nothing unless the run is still queued (a re-sent message)."""
    name = Run.objects.filter(pk=run_id).values_list("evaluator", flat=True).first()
    try:
        evaluator = evaluator_registry.get(name) if name else None
    except KeyError as error:
        _write(services.fail_run, run_id, f"{error.args[0]}; is this worker running an older release?")
        return
    # Timings must not share the device: a speed run waits for the device to itself.
    with device_lock(exclusive=bool(evaluator and evaluator.exclusive_device)):
        _execute(run_id, evaluator, only_if_queued)


def _execute(run_id: int, evaluator, only_if_queued: bool) -> None:
    run = _write(lambda: services.begin_attempt(run_id, only_if_queued=only_if_queued))
    if run is None:
        return
    progress = _ProgressReporter(run_id)
    try:
        check_model_loadable(evaluator, run.spec, run.model)  # a run stored before the model changed
        context = RunContext(
            model=_model_ref(run.model),
            rows=dataset_rows(run.dataset_version),
            # Heads are named by slug on the site; the evaluator reads their folder.
            spec=evaluator.make_spec({**run.spec, **heads_folders(evaluator, run.spec)}),
            device=settings.GLASSBOX_DEVICE,
            models=_named_models(evaluator, run.spec),
            completions=upload_rows(evaluator, run.spec),
            done=queries.sample_records(run_id),
            on_sample=_SampleWriter(run_id),
            on_progress=progress,
            on_environment=lambda env: _write(services.record_environment, run_id,
                                              {"host": socket.gethostname(), **env}),
            should_stop=_CancelFlag(run_id),
            output_dir=run_output_dir(run_id),
        )
        summary = evaluator.run(context)
    except Cancelled:
        _write(services.mark_cancelled, run_id, progress.done, progress.total)
    except (EvaluationError, SpecError, DatasetError, UploadError) as error:
        _write(services.fail_run, run_id, str(error))
    except SoftTimeLimitExceeded:
        raise  # the task turns it into a message that names the limit and its setting
    except Exception as error:  # noqa: BLE001 - any failure must end as a readable message on the run
        log.error("run %s failed:\n%s", run_id, traceback.format_exc())
        _write(services.fail_run, run_id, f"{type(error).__name__}: {error}")
    else:
        _write(services.finish_run, run_id, summary)


def fail(run_id: int, message: str) -> None:
    """Mark the run failed with `message` (e.g. the task's time limit), reconnecting once if needed."""
    _write(services.fail_run, run_id, message)


def requeue_stale() -> list[int]:
    """Return the ids of the runs sent again: running ones whose worker vanished, and queued ones
    whose message may have been lost (see services.requeue_stale_runs)."""
    return services.requeue_stale_runs()
