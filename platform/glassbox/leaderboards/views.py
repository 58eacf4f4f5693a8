"""Leaderboard and snapshot pages (the exports are API views, export_api.py). Anyone reads them; rows of private
models appear only to their owners and administrators, and a leaderboard on a private dataset only
to the dataset's owner and administrators (accounts.roles)."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from glassbox.accounts import roles
from glassbox.evaluations.numbers import chart_scale, format_value, unit_label
from glassbox.evaluations.queries import visible_runs
from glassbox.registry.queries import visible_models

from .exports import metric_goals
from .models import Leaderboard, Snapshot
from .speed_chart import quality_speed_chart
from .table_cache import cached_table
from .visibility import visible_leaderboards, visible_table


def _reader(request: HttpRequest):
    """Return the API token's user when the request carries one (the exports live under /api/), else the
    session's user. Looked up once per request: several helpers of one view ask."""
    reader = getattr(request, "_glassbox_reader", None)
    if reader is None:
        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            found = None  # a wrong token reads as anonymous: it sees only what anyone sees
        reader = request._glassbox_reader = found[0] if found else request.user
    return reader


def _leaderboard(request: HttpRequest, slug: str) -> Leaderboard:
    boards = visible_leaderboards(_reader(request), Leaderboard.objects.all())
    return get_object_or_404(boards.select_related("dataset_version__dataset"), slug=slug)


def _table(request: HttpRequest, board: Leaderboard) -> dict:
    reader = _reader(request)
    return cached_table(board, visible_models(reader), roles.visibility_scope(reader))


def _snapshot(request: HttpRequest, uid) -> Snapshot:
    snapshots = visible_leaderboards(_reader(request), Snapshot.objects.all(), prefix="leaderboard__")
    return get_object_or_404(snapshots.select_related("leaderboard"), uid=uid)


def _snapshot_table(request: HttpRequest, snapshot: Snapshot) -> dict:
    return visible_table(_reader(request), snapshot.table)


def _cell_text(cell: dict | None, unit: str = "") -> dict | None:
    if cell is None:
        return None
    interval = (None if cell["ci_low"] is None
                else f"[{format_value(cell['ci_low'], unit)}, {format_value(cell['ci_high'], unit)}]")
    return {"value": format_value(cell["value"], unit), "interval": interval}


def _page(request: HttpRequest, board: Leaderboard, table: dict, snapshot: Snapshot | None) -> HttpResponse:
    """Render the ranked table, with cells in column order and the bar chart's data."""
    metrics, primary = table["leaderboard"]["metrics"], table["leaderboard"]["primary_metric"]
    run_url = reverse("evaluations:run-detail", args=[0]).replace("/0/", "/{}/")
    goals = metric_goals(table)
    for row in table["rows"]:
        # Formatted here, not with template filters: a hundred rows of filters cost more than the query.
        row["cell_list"] = [_cell_text(row["cells"].get(metric), goals[metric]["unit"]) for metric in metrics]
        row["run_url"] = run_url.format(row["run"])
    cells = [row["cells"][primary] for row in table["rows"]]
    # The chart speaks the table's unit (a share in %, bytes in MiB), to the table's four decimals.
    factor, suffix = chart_scale(goals[primary]["unit"])
    chart = {"metric": primary, "models": _chart_labels(table["rows"]), "suffix": suffix,
             "values": [cell["value"] * factor for cell in cells],
             "plus": [None if cell["ci_high"] is None else (cell["ci_high"] - cell["value"]) * factor for cell in cells],
             "minus": [None if cell["ci_low"] is None else (cell["value"] - cell["ci_low"]) * factor for cell in cells]}
    snapshots = [] if snapshot else board.snapshots.all()[:20]
    # Speed runs are live data: a snapshot shows what it froze and nothing measured since.
    speed = None if snapshot else quality_speed_chart(table, visible_runs(_reader(request)))
    headers = [{"name": metric, **goals[metric], "unit": unit_label(goals[metric]["unit"])} for metric in metrics]
    return render(request, "leaderboards/leaderboard_detail.html",
                  {"leaderboard": board, "table": table, "chart": chart, "snapshot": snapshot,
                   "snapshots": snapshots, "speed_chart": speed, "headers": headers})


def leaderboard_list(request: HttpRequest) -> HttpResponse:
    boards = visible_leaderboards(request.user, Leaderboard.objects.select_related("dataset_version__dataset"))
    return render(request, "leaderboards/leaderboard_list.html", {"leaderboards": boards})


def leaderboard_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = _leaderboard(request, slug)
    return _page(request, board, _table(request, board), None)


def snapshot_detail(request: HttpRequest, uid) -> HttpResponse:
    snapshot = _snapshot(request, uid)
    return _page(request, snapshot.leaderboard, _snapshot_table(request, snapshot), snapshot)


def _chart_labels(rows: list[dict]) -> list[str]:
    """Each bar's label: the model's name, and its precision where the model has rows in several."""
    names = [row["model_name"] for row in rows]
    return [f"{row['model_name']} ({row.get('precision', 'auto')})" if names.count(row["model_name"]) > 1
            else row["model_name"] for row in rows]
