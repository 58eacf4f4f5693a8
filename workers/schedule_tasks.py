"""Beat's entry point for schedules: each saved Schedule has a PeriodicTask that calls this."""
from __future__ import annotations

from .app import app


@app.task(bind=True, queue="default", acks_late=True)
def run_schedule(self, schedule_id: int, **kwargs) -> list[int]:
    """Return the ids of the runs the schedule started (or, for a redelivered message, had started)."""
    # **kwargs: a task queued by an older release must not fail after a deploy.
    from glassbox.schedules import services

    return [run.pk for run in services.run_schedule(schedule_id, trigger=self.request.id or "")]
