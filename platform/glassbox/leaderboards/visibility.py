"""Tables as a reader may see them: rows of models hidden from the reader are left out.

A live table is ranked over the visible models only (ranking.leaderboard_table's `models`), so
its rank groups never lean on a hidden model. A snapshot is frozen, so its rows of now-hidden
models are dropped when it is read; a row whose group leader was such a model keeps its frozen
rank group but loses the comparison with that leader, which would reveal the hidden model's value.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable

from glassbox.accounts import roles


def visible_tables(user, tables: Iterable[dict]) -> list[dict]:
    """Return copies of `tables` without the rows `user` may not see (one query for all of them)."""
    tables = list(tables)
    hidden = roles.hidden_model_slugs(user, {row["model"] for table in tables for row in table.get("rows", [])})
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
