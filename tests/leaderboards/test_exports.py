"""Exports, pages, snapshots and the leaderboard API."""
from __future__ import annotations

import csv
import io
import math

import pytest

from glassbox.leaderboards.models import Snapshot

from .conftest import TOKENS, seed_run

pytestmark = pytest.mark.django_db


def test_json_export_in_six_queries(anon, board, seeded, django_assert_num_queries):
    # board + the cache key's aggregate + candidate runs + chosen runs + their metrics + records
    with django_assert_num_queries(6):
        body = anon.get("/api/leaderboards/ppl/export.json").json()
    assert [(row["model"], row["rank_group"]) for row in body["rows"]] == [("a", 1), ("b", 2), ("c", 2), ("d", 3)]
    from evaluators import registry
    from evaluators.core.specs import spec_to_dict

    assert body["leaderboard"]["spec"] == spec_to_dict(registry.get("perplexity").make_spec(None))
    assert body["rows"][3]["fingerprint"] == seeded["d"].fingerprint


def test_token_export_looks_the_token_up_once(staff, board, seeded, django_assert_num_queries):
    # The six of the anonymous export plus one token lookup, however many helpers ask who reads.
    with django_assert_num_queries(7):
        body = staff.get("/api/leaderboards/ppl/export.json").json()
    assert [row["model"] for row in body["rows"]] == ["a", "b", "c", "d"]


def test_csv_export_escapes_formula_cells(anon, board, seeded):
    response = anon.get("/api/leaderboards/ppl/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["model"] for row in rows] == ["a", "b", "c", "d"]
    assert rows[3]["model_name"] == "'=Delta"
    assert rows[0]["rank_group"] == "1" and rows[2]["rank_group"] == "2"
    assert float(rows[0]["perplexity"]) == pytest.approx(math.exp(2.0))
    assert float(rows[0]["perplexity_ci_high"]) == pytest.approx(math.exp(2.0) + 0.5)
    assert rows[1]["fingerprint"] == seeded["b"].fingerprint
    assert rows[2]["tie_method"] == "paired-bootstrap"


def test_page_lists_ranked_rows_with_chart(client, board, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):  # + the cache key aggregate, + speed runs for the Pareto chart
        response = client.get("/leaderboards/ppl/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Alpha") < html.index("Bravo") < html.index("Charlie") < html.index("=Delta")
    assert "/assets/plotly.min.js" in html and "leaderboard-data" in html
    assert "Perplexity on docs" in client.get("/leaderboards/").content.decode()


def test_snapshot_is_frozen(anon, staff, board, seeded, models, text_version):
    assert anon.post("/api/leaderboards/ppl/snapshot/", {}, format="json").status_code == 401
    response = staff.post("/api/leaderboards/ppl/snapshot/", {"note": "v1 paper"}, format="json")
    assert response.status_code == 201
    uid = response.json()["uid"]
    # D improves afterwards: the live board changes, the snapshot does not.
    seed_run(models["d"], text_version, [1.5 * t for t in TOKENS])
    live = anon.get("/api/leaderboards/ppl/export.json").json()
    frozen = anon.get(f"/api/snapshots/{uid}/export.json").json()
    assert live["rows"][0]["model"] == "d"
    assert [row["model"] for row in frozen["rows"]] == ["a", "b", "c", "d"]
    assert frozen["snapshot"]["note"] == "v1 paper"
    assert frozen["rows"][3]["fingerprint"] == seeded["d"].fingerprint
    assert "'=Delta" in anon.get(f"/api/snapshots/{uid}/export.csv").content.decode()
    page = anon.get(f"/snapshots/{uid}/").content.decode()
    assert "snapshot" in page and page.index("Alpha") < page.index("=Delta")
    assert Snapshot.objects.count() == 1


def test_create_leaderboard_over_the_api(anon, staff, text_version):
    payload = {"slug": "bpb", "name": "Bits", "dataset": "docs", "dataset_version": 1, "evaluator": "perplexity",
               "primary_metric": "bits_per_byte", "params": {"stride": 64}}
    assert anon.post("/api/leaderboards/", payload, format="json").status_code == 401
    response = staff.post("/api/leaderboards/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["metrics"] == ["bits_per_byte"]
    assert response.json()["spec"]["stride"] == 64
    bad = staff.post("/api/leaderboards/", {**payload, "slug": "b2", "primary_metric": "bleu"}, format="json")
    assert bad.status_code == 400 and "no metric 'bleu'" in bad.json()["metrics"][0]
    listed = anon.get("/api/leaderboards/").json()
    assert [b["slug"] for b in listed["results"]] == ["bpb"]
    assert anon.get("/api/leaderboards/bpb/table/").json()["rows"] == []


def test_the_chart_speaks_the_tables_unit():
    from glassbox.evaluations.numbers import chart_scale, format_value

    # A share of 0.5 is "50.0000%" in the table and 50 with a % suffix on the chart's axis.
    factor, suffix = chart_scale("share")
    assert (f"{0.5 * factor:.4f}{suffix}", format_value(0.5, "share")) == ("50.0000%", "50.0000%")
    factor, suffix = chart_scale("bytes")
    assert (f"{(3 << 20) * factor:.2f}{suffix}", format_value(3 << 20, "bytes")) == ("3.00 MiB", "3.00 MiB")
    assert chart_scale("") == (1.0, "") and chart_scale("%") == (1.0, "%")
