"""Leaderboard and snapshot pages, and their CSV/JSON exports (anyone may read)."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .exports import csv_response, json_response
from .models import Leaderboard, Snapshot
from .ranking import leaderboard_table


def _leaderboard(slug: str) -> Leaderboard:
    return get_object_or_404(Leaderboard.objects.select_related("dataset_version__dataset"), slug=slug)


def _snapshot(uid) -> Snapshot:
    return get_object_or_404(Snapshot.objects.select_related("leaderboard"), uid=uid)


def _page(request: HttpRequest, board: Leaderboard, table: dict, snapshot: Snapshot | None) -> HttpResponse:
    """Render the ranked table, with cells in column order and the bar chart's data."""
    metrics, primary = table["leaderboard"]["metrics"], table["leaderboard"]["primary_metric"]
    for row in table["rows"]:
        row["cell_list"] = [row["cells"].get(metric) for metric in metrics]
    cells = [row["cells"][primary] for row in table["rows"]]
    chart = {"metric": primary, "models": [row["model_name"] for row in table["rows"]],
             "values": [cell["value"] for cell in cells],
             "plus": [None if cell["ci_high"] is None else cell["ci_high"] - cell["value"] for cell in cells],
             "minus": [None if cell["ci_low"] is None else cell["value"] - cell["ci_low"] for cell in cells]}
    snapshots = [] if snapshot else board.snapshots.all()[:20]
    return render(request, "leaderboards/leaderboard_detail.html",
                  {"leaderboard": board, "table": table, "chart": chart, "snapshot": snapshot,
                   "snapshots": snapshots})


def leaderboard_list(request: HttpRequest) -> HttpResponse:
    boards = Leaderboard.objects.select_related("dataset_version__dataset")
    return render(request, "leaderboards/leaderboard_list.html", {"leaderboards": boards})


def leaderboard_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = _leaderboard(slug)
    return _page(request, board, leaderboard_table(board), None)


def snapshot_detail(request: HttpRequest, uid) -> HttpResponse:
    snapshot = _snapshot(uid)
    return _page(request, snapshot.leaderboard, snapshot.table, snapshot)


def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return csv_response(leaderboard_table(_leaderboard(slug)), slug)


def export_json(request: HttpRequest, slug: str) -> HttpResponse:
    return json_response(leaderboard_table(_leaderboard(slug)), slug)


def snapshot_csv(request: HttpRequest, uid) -> HttpResponse:
    snapshot = _snapshot(uid)
    return csv_response(snapshot.table, f"{snapshot.leaderboard.slug}-{snapshot.uid}")


def snapshot_json(request: HttpRequest, uid) -> HttpResponse:
    snapshot = _snapshot(uid)
    return json_response(snapshot.table, f"{snapshot.leaderboard.slug}-{snapshot.uid}")
