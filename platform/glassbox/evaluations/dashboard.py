"""Reads for the home page: each section is one bounded query, so the page stays fast with
thousands of runs (the lists are cut to the most recent few, never loaded whole)."""
from __future__ import annotations

from django.db.models import QuerySet

from glassbox.leaderboards.models import Leaderboard
from glassbox.transparency.models import Audit

from .models import Run
from .queries import run_list

RECENT = 20
IN_FLIGHT = (Run.Status.QUEUED, Run.Status.RUNNING)


def recent_runs(limit: int = RECENT) -> QuerySet[Run]:
    """Return the latest finished runs, model and dataset joined in (one query)."""
    return run_list().filter(status__in=Run.FINISHED)[:limit]


def running_runs(limit: int = RECENT) -> QuerySet[Run]:
    """Return queued and running runs, running first, each with its progress (one query)."""
    # "running" sorts after "queued" alphabetically, hence the descending status.
    return run_list().filter(status__in=IN_FLIGHT).order_by("-status", "-created_at", "-id")[:limit]


def recent_leaderboards(limit: int = RECENT) -> QuerySet[Leaderboard]:
    return Leaderboard.objects.select_related("dataset_version__dataset").order_by("-created_at", "-id")[:limit]


def recent_audits(limit: int = RECENT) -> QuerySet[Audit]:
    return Audit.objects.select_related("subject", "checklist").order_by("-created_at", "-id")[:limit]
