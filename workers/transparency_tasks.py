"""Celery task that suggests transparency scores for an audit (queue "default": CPU work)."""
from __future__ import annotations

from .app import app


@app.task(queue="default", acks_late=True, reject_on_worker_lost=True)
def suggest_scores(audit_id: int, **kwargs) -> int:
    """Return the suggested total after storing the suggestions on the audit."""
    # **kwargs: a task queued by an older release must not fail after a deploy.
    from glassbox.transparency.suggestions import run_suggestions

    return run_suggestions(audit_id)["total"]
