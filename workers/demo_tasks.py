"""Celery tasks of the demo job (see glassbox/site/demo/training.py)."""
from __future__ import annotations

from glassbox.evaluations.device_lock import device_lock

from .app import app


# No time limit: the training is a fixed number of steps that report progress, and on a busy
# machine it can take longer than GLASSBOX_RUN_TIME_LIMIT; a limit would only make it start over.
@app.task(queue="gpu", acks_late=True, reject_on_worker_lost=True)
def prepare_demo(**kwargs) -> str:
    """Return the demo job's final state after training, registering and seeding what is missing."""
    # **kwargs: a task queued by an older release must not fail after a deploy.
    from glassbox.site.demo.training import prepare_demo as run_job

    # Training shares the device like an evaluation: a speed run must not time beside it.
    with device_lock(exclusive=False):
        return run_job().state


@app.task(queue="default", acks_late=True)
def requeue_stale_demo(**kwargs) -> bool:
    """Beat runs this: a demo job whose worker vanished is sent again and finishes what is missing."""
    from glassbox.site.demo.training import requeue_if_stale

    return requeue_if_stale()
