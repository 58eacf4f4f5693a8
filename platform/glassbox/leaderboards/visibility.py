"""What a reader may see of leaderboards: which boards and snapshots, and which rows of their tables.

A leaderboard (and its snapshots) is hidden whole when its dataset is hidden from the reader.
In a table, rows of models hidden from the reader are left out.

A live table is ranked over the visible models only (ranking.leaderboard_table's `models`), so
its rank groups never lean on a hidden model. A snapshot is frozen, so its rows of now-hidden
models are dropped when it is read; a row whose group leader was such a model keeps its frozen
rank group but loses the comparison with that leader, which would reveal the hidden model's value.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable

from django.db.models import QuerySet

from glassbox.accounts import roles
from glassbox.registry.queries import hidden_model_slugs

from .models import Leaderboard


def visible_leaderboards(user, queryset: QuerySet | None = None, prefix: str = "") -> QuerySet:
    """Return the leaderboards `user` may see: a leaderboard on a hidden dataset is hidden whole.

    `prefix` narrows another table by its leaderboard (e.g. "leaderboard__" for snapshots).
    """
    queryset = Leaderboard.objects.all() if queryset is None else queryset
    if roles.is_admin(user):
        return queryset
    return queryset.filter(roles.open_to(user, f"{prefix}dataset_version__dataset__"))


def visible_tables(user, tables: Iterable[dict]) -> list[dict]:
    """Return copies of `tables` without the rows `user` may not see (one query for all of them)."""
    tables = list(tables)
    hidden = hidden_model_slugs(user, {row["model"] for table in tables for row in table.get("rows", [])})
    return [_without(table, hidden) for table in tables]


def visible_table(user, table: dict) -> dict:
    return visible_tables(user, [table])[0]


def _without(table: dict, hidden: set[str]) -> dict:
    if not hidden:
        return table
    table = copy.deepcopy(table)
    table["rows"] = [row for row in table["rows"] if row["model"] not in hidden]
    for row in table["rows"]:
        if row.get("group_leader") in hidden:
            row["group_leader"], row["vs_leader"] = None, None
    return table
