"""CSV and JSON exports of a leaderboard table (live or snapshot)."""
from __future__ import annotations

import json

from django.http import HttpResponse

from glassbox.config.csv_export import csv_text


def table_csv(table: dict) -> str:
    """Return one CSV line per ranked model: rank group, model, run, fingerprint, each metric's interval
    (formula-safe: model names are text their owners chose)."""
    metrics = table["leaderboard"]["metrics"]
    header = ["rank_group", "model", "model_name", "run", "fingerprint"]
    for metric in metrics:
        header += [metric, f"{metric}_ci_low", f"{metric}_ci_high", f"{metric}_n"]
    header += ["diff_vs_group_leader", "diff_ci_low", "diff_ci_high", "tie_method"]
    lines = []
    for row in table["rows"]:
        line = [row["rank_group"], row["model"], row["model_name"], row["run"], row["fingerprint"]]
        for metric in metrics:
            cell = row["cells"].get(metric) or {}
            line += [cell.get("value"), cell.get("ci_low"), cell.get("ci_high"), cell.get("n")]
        versus = row.get("vs_leader") or {}
        ci = versus.get("ci") or [None, None]
        line += [versus.get("diff"), ci[0], ci[1], versus.get("method")]
        lines.append(line)
    return csv_text(header, lines)


def csv_response(table: dict, filename: str) -> HttpResponse:
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def json_bytes(table: dict) -> bytes:
    """The JSON export's body: compact (the C encoder), UTF-8."""
    return json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(table: dict | bytes, filename: str) -> HttpResponse:
    body = table if isinstance(table, bytes) else json_bytes(table)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{filename}.json"'
    return response
