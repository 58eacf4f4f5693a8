"""The demo job: train the demo models, register them, then set up the demo and queue its runs.

`seed_demo` only queues the job, so `make run` serves the dashboard at once; a worker runs it on
queue "gpu" like other model work, writing its progress for the home page. The demo runs are
created when the models exist, so none can fail for want of them. Every step is idempotent (the
training keeps the models it saved, registering and seeding reuse what is there), so a job sent
twice, or again after its worker died, finishes what is missing.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings

from glassbox.config import jobs

from . import progress, seeders
from .progress import DemoJob
from .registration import register_demo_models

log = logging.getLogger(__name__)

TASK = "workers.demo_tasks.prepare_demo"
# Progress is written at most this often: a step can take milliseconds with small settings.
PROGRESS_INTERVAL_S = 1.0


def queue_demo(models_dir: Path, steps: int) -> DemoJob:
    """Record the demo job as queued and send it to a worker; return its state."""
    job = progress.write(DemoJob(state="queued", models_dir=str(models_dir), steps=steps))
    _send()
    return job


def _send() -> None:
    jobs.enqueue(TASK, queue="gpu")


class _LogWriter:
    """The seeders report to a stdout; in a worker that is the log."""

    def write(self, text: str) -> None:
        log.info("demo: %s", text.rstrip())


class _Reporter:
    """Writes the training steps done, at most once per PROGRESS_INTERVAL_S, and always the last."""

    def __init__(self, job: DemoJob) -> None:
        self.job = job
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_INTERVAL_S:
            return
        self.last = now
        self.job = progress.write(self.job, done=done)


def prepare_demo(stdout=None) -> DemoJob:
    """Run the demo job to its end; return its final state (done, or failed with a message)."""
    from evaluators.demo.models import DEFAULT_STEPS, build_demo_models

    stdout = stdout or _LogWriter()
    job = progress.read() or DemoJob(state="queued", models_dir=str(settings.VAR_DIR / "models"),
                                     steps=DEFAULT_STEPS)
    # A job sent again after its worker died starts its training over: progress starts at 0 too.
    job = progress.write(job, state="training", done=0, error="")
    try:
        reporter = _Reporter(job)
        paths = build_demo_models(job.models_dir, steps=job.steps, progress=False, on_step=reporter)
        job = progress.write(reporter.job, state="seeding", done=job.steps)
        models = register_demo_models(paths, stdout)
        for seed in seeders():
            seed(models, stdout)
    except Exception as error:  # noqa: BLE001 - any failure must end as a message on the home page
        log.exception("the demo job failed")
        return progress.write(job, state="failed", error=f"{type(error).__name__}: {error}")
    return progress.write(job, state="done")


def requeue_if_stale() -> bool:
    """Send the demo job again when it has not written for GLASSBOX_STALE_RUN_SECONDS; return
    whether it was sent (its worker died, or the broker lost the message)."""
    job = progress.read()
    if job is None or not job.in_flight or time.time() - job.updated_at < settings.GLASSBOX_STALE_RUN_SECONDS:
        return False
    log.warning("the demo job (%s) has not reported for %.0f s; sending it again", job.state,
                time.time() - job.updated_at)
    # Rewritten as it was, with a fresh time: the next sweep waits a full period again.
    progress.write(job)
    _send()
    return True
