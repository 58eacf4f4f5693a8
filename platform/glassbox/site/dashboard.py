"""Reads for the home page: each section is one bounded query, so the page stays fast with
thousands of runs (the lists are cut to the most recent few, never loaded whole)."""
from __future__ import annotations

from django.db.models import QuerySet

from glassbox.evaluations.models import Run
from glassbox.evaluations.queries import run_list, visible_runs
from glassbox.leaderboards.models import Leaderboard
from glassbox.leaderboards.visibility import visible_leaderboards
from glassbox.transparency.models import Audit
from glassbox.transparency.queries import visible_audits

RECENT = 20
IN_FLIGHT = (Run.Status.QUEUED, Run.Status.RUNNING)


def recent_runs(user=None, limit: int = RECENT) -> QuerySet[Run]:
    """Return the latest finished runs `user` may see, model and dataset joined in (one query)."""
    return visible_runs(user, run_list()).filter(status__in=Run.FINISHED)[:limit]


def running_runs(user=None, limit: int = RECENT) -> QuerySet[Run]:
    """Return queued and running runs `user` may see, running first, each with its progress (one query)."""
    # "running" sorts after "queued" alphabetically, hence the descending status.
    runs = visible_runs(user, run_list()).filter(status__in=IN_FLIGHT)
    return runs.order_by("-status", "-created_at", "-id")[:limit]


def recent_leaderboards(user=None, limit: int = RECENT) -> QuerySet[Leaderboard]:
    boards = visible_leaderboards(user, Leaderboard.objects.select_related("dataset_version__dataset"))
    return boards.order_by("-created_at", "-id")[:limit]


def recent_audits(user=None, limit: int = RECENT) -> QuerySet[Audit]:
    audits = visible_audits(user, Audit.objects.select_related("subject", "checklist"))
    return audits.order_by("-created_at", "-id")[:limit]
