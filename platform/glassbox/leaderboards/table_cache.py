"""A leaderboard's ranked table, computed once per change of its runs and served from the cache.

Ranking needs every row's per-sample records and a paired bootstrap per row (about 0.15 s for a
hundred models), while a leaderboard is read far more often than its runs change. The cache key
is the leaderboard, its column, the reader's visibility scope and a cheap aggregate over the
runs that can fill the column (how many, and the latest finish time): a new, re-finished,
deleted or newly hidden run changes the key, so a reader never sees a table older than its runs.
Names and descriptions edited since are refreshed within TABLE_TTL_S.
"""
from __future__ import annotations

import hashlib
from typing import Any, Callable

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet

from evaluators.core.specs import canonical_json
from glassbox.evaluations.models import Run

from .models import Leaderboard
from .ranking import leaderboard_table

TABLE_TTL_S = 60


def _version(leaderboard: Leaderboard, models: QuerySet | None) -> str:
    runs = Run.objects.filter(dataset_version_id=leaderboard.dataset_version_id, evaluator=leaderboard.evaluator,
                              status=Run.Status.SUCCEEDED)
    if models is not None:
        runs = runs.filter(model__in=models)
    facts = runs.aggregate(count=Count("id"), latest=Max("finished_at"), last_id=Max("id"))
    column = canonical_json({"spec": leaderboard.spec, "metrics": leaderboard.metrics,
                             "primary": leaderboard.primary_metric})
    return f"{facts['count']}:{facts['latest'].isoformat() if facts['latest'] else '-'}:{facts['last_id']}:{column}"


def _key(leaderboard: Leaderboard, models: QuerySet | None, scope: str, kind: str) -> str:
    identity = f"{leaderboard.pk}|{scope}|{_version(leaderboard, models)}"
    return f"glassbox:leaderboard-{kind}:{hashlib.sha256(identity.encode()).hexdigest()}"


def cached_table(leaderboard: Leaderboard, models: QuerySet | None, scope: str) -> dict:
    """Return the leaderboard's table for a reader whose visible models are `models`.

    `scope` names what the reader may see ("anonymous", "admin", "user:<id>"); readers with the
    same scope share the cached table.
    """
    return _cached(_key(leaderboard, models, scope, "table"), lambda: leaderboard_table(leaderboard, models))


def cached_export(leaderboard: Leaderboard, models: QuerySet | None, scope: str, kind: str,
                  render: Callable[[dict], bytes]) -> bytes:
    """Return the table rendered by `render` (an export's bytes), cached like the table itself."""
    key = _key(leaderboard, models, scope, kind)
    return _cached(key, lambda: render(_cached(key.replace(f"-{kind}:", "-table:"),
                                               lambda: leaderboard_table(leaderboard, models))))


def _cached(key: str, compute: Callable[[], Any]) -> Any:
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TABLE_TTL_S)
    return value
