"""The exports as API views: in the schema, token and session readers, throttled, each metric's goal."""
from __future__ import annotations

import csv
import io
import json
import math

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .conftest import TOKENS

pytestmark = pytest.mark.django_db

EXPORTS = {"/api/leaderboards/{slug}/export.csv": "text/csv",
           "/api/leaderboards/{slug}/export.json": "application/json",
           "/api/snapshots/{uid}/export.csv": "text/csv",
           "/api/snapshots/{uid}/export.json": "application/json"}
# The per-token rates of the `seeded` fixture's runs (model: nll per token).
RATES = {"a": 2.0, "b": 2.5, "d": 3.0}


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_schema_lists_the_four_exports_with_their_formats(anon):
    schema = json.loads(anon.get("/api/schema/?format=json").content)
    for path, media_type in EXPORTS.items():
        operation = schema["paths"][path]["get"]
        assert set(schema["paths"][path]) == {"get"}, path
        assert list(operation["responses"]["200"]["content"]) == [media_type], path
        assert {"404", "429"} <= set(operation["responses"]), path
        (parameter,) = operation["parameters"]
        assert parameter["in"] == "path" and parameter["name"] in path
        schemes = {name for requirement in operation["security"] for name in requirement}
        assert {"tokenAuth", "cookieAuth"} <= schemes, path
    assert schema["paths"]["/api/snapshots/{uid}/export.json"]["get"]["parameters"][0]["schema"]["format"] == "uuid"
    table = schema["paths"]["/api/leaderboards/{slug}/export.json"]["get"]["responses"]["200"]["content"]
    assert table["application/json"]["schema"]["required"] == ["leaderboard", "rows"]


def test_a_token_reads_the_private_rows_its_user_may_see(anon, board, seeded, models, django_user_model):
    owner = django_user_model.objects.create_user("owner")
    models["a"].owner, models["a"].is_private = owner, True
    models["a"].save()
    mine = _token_client(owner)
    other = _token_client(django_user_model.objects.create_user("other"))
    assert [row["model"] for row in _csv_rows(mine.get("/api/leaderboards/ppl/export.csv"))] == ["a", "b", "c", "d"]
    json_models = lambda client: [row["model"] for row in client.get(  # noqa: E731
        "/api/leaderboards/ppl/export.json").json()["rows"]]
    assert json_models(mine) == ["a", "b", "c", "d"]
    for client in (anon, other):
        assert json_models(client) == ["b", "c", "d"]
        assert [row["model"] for row in _csv_rows(client.get("/api/leaderboards/ppl/export.csv"))] == ["b", "c", "d"]
    # A session reads as its user too.
    session = APIClient()
    session.force_login(owner)
    assert "a" in {row["model"] for row in _csv_rows(session.get("/api/leaderboards/ppl/export.csv"))}


def test_csv_and_json_carry_the_table_and_each_metrics_goal(anon, board, seeded):
    from glassbox.leaderboards.ranking import leaderboard_table

    table = leaderboard_table(board)
    body = anon.get("/api/leaderboards/ppl/export.json").json()
    rows = _csv_rows(anon.get("/api/leaderboards/ppl/export.csv"))
    assert body["rows"] == table["rows"]
    assert body["leaderboard"] == {**table["leaderboard"], "metric_goals": {
        "perplexity": {"goal": "lower", "goal_label": "lower is better", "unit": ""},
        "bits_per_byte": {"goal": "lower", "goal_label": "lower is better", "unit": "bits/byte"}}}
    assert [row["model"] for row in rows] == [row["model"] for row in table["rows"]]
    for line, row in zip(rows, body["rows"]):
        assert int(line["rank_group"]) == row["rank_group"] and int(line["run"]) == row["run"]
        for metric in ("perplexity", "bits_per_byte"):
            cell = row["cells"][metric]
            assert float(line[metric]) == cell["value"]
            assert int(line[f"{metric}_n"]) == cell["n"] == 6
            assert (line[f"{metric}_goal"], line[f"{metric}_goal_label"]) == ("lower", "lower is better")
    # The values themselves, from the seeded per-token rates: nll = rate * tokens for every document.
    by_model = {line["model"]: line for line in rows}
    for model, rate in RATES.items():
        nll = rate * sum(TOKENS)
        assert float(by_model[model]["perplexity"]) == pytest.approx(math.exp(nll / sum(TOKENS)))
        assert float(by_model[model]["perplexity_ci_low"]) == pytest.approx(math.exp(rate) - 0.5)
        assert float(by_model[model]["bits_per_byte"]) == pytest.approx(rate / math.log(2))


def test_a_snapshot_export_carries_the_goals_too(anon, staff, board, seeded):
    uid = staff.post("/api/leaderboards/ppl/snapshot/", {}, format="json").json()["uid"]
    response = anon.get(f"/api/snapshots/{uid}/export.json")
    assert response["Content-Disposition"] == f'inline; filename="ppl-{uid}.json"'
    assert response.json()["leaderboard"]["metric_goals"]["perplexity"] == {"goal": "lower",
                                                                            "goal_label": "lower is better", "unit": ""}
    csv_response = anon.get(f"/api/snapshots/{uid}/export.csv")
    assert csv_response["Content-Disposition"] == f'attachment; filename="ppl-{uid}.csv"'
    assert {line["bits_per_byte_goal_label"] for line in _csv_rows(csv_response)} == {"lower is better"}


def test_a_target_goal_is_exported_as_its_value_and_label():
    from glassbox.leaderboards.exports import table_csv, with_goals

    row = {"rank_group": 1, "model": "m", "model_name": "M", "run": 3, "fingerprint": "f",
           "cells": {"pct_stereotype": {"value": 61.0, "ci_low": 55.0, "ci_high": 67.0, "n": 40}, "gone": None},
           "vs_leader": None}
    table = {"leaderboard": {"evaluator": "bias", "metrics": ["pct_stereotype", "gone"]}, "rows": [row]}
    exported = with_goals(table)
    assert exported["leaderboard"]["metric_goals"] == {
        "pct_stereotype": {"goal": 50, "goal_label": "closer to 50 is better", "unit": "%"},
        "gone": {"goal": None, "goal_label": "", "unit": ""}}  # a metric its evaluator no longer registers
    assert "metric_goals" not in table["leaderboard"]  # a copy: the cached table is left as it was
    (line,) = csv.DictReader(io.StringIO(table_csv(exported), newline=""))
    assert (line["pct_stereotype_goal"], line["pct_stereotype_goal_label"]) == ("50", "closer to 50 is better")
    assert (line["gone_goal"], line["gone_goal_label"]) == ("", "")


def test_the_url_suffix_picks_the_format_and_refusals_answer_in_json(anon, board, seeded):
    response = anon.get("/api/leaderboards/ppl/export.csv", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ppl.csv"'
    assert anon.get("/api/leaderboards/ppl/export.json", HTTP_ACCEPT="text/csv")["Content-Type"] == "application/json"
    for url in ("/api/leaderboards/nope/export.csv", "/api/leaderboards/x.y/export.json",
                "/api/snapshots/not-a-uuid/export.csv",
                "/api/snapshots/0b7e4f52-4bd8-4c8e-9a7e-3d1b5c2a9f10/export.json"):
        refused = anon.get(url)
        assert refused.status_code == 404, url
        assert refused["Content-Type"] == "application/json" and refused.json()["detail"], url


def test_a_throttled_client_gets_429_on_exports(settings, anon, board, seeded):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "export-throttling-tests"}}
    cache.clear()
    settings.GLASSBOX_THROTTLE = True
    settings.GLASSBOX_NUM_PROXIES = 0
    settings.GLASSBOX_API_RATES = {"anon": "3/minute", "user": None}
    urls = ["/api/leaderboards/ppl/export.csv", "/api/leaderboards/ppl/export.json", "/api/leaderboards/ppl/export.csv"]
    assert [anon.get(url).status_code for url in urls] == [200, 200, 200]
    for url in ("/api/leaderboards/ppl/export.csv", "/api/leaderboards/ppl/export.json"):
        refused = anon.get(url)
        assert refused.status_code == 429, url
        assert 0 < int(refused["Retry-After"]) <= 60
        assert refused["Content-Type"] == "application/json" and refused.json()["detail"]
    # Another address has its own count.
    assert APIClient(REMOTE_ADDR="192.0.2.9").get("/api/leaderboards/ppl/export.csv").status_code == 200
    cache.clear()


def test_a_wrong_token_reads_as_anonymous_but_counts_towards_the_lock(settings, board, seeded, django_user_model):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "export-token-tests"}}
    cache.clear()
    settings.GLASSBOX_THROTTLE = True
    settings.GLASSBOX_NUM_PROXIES = 0
    settings.GLASSBOX_TOKEN_FAILURES = 2
    settings.GLASSBOX_API_RATES = {"anon": None, "user": None}
    guesser = APIClient(REMOTE_ADDR="203.0.113.7")
    guesser.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert [row["model"] for row in guesser.get("/api/leaderboards/ppl/export.json").json()["rows"]] == [
        "a", "b", "c", "d"]
    assert guesser.get("/api/leaderboards/ppl/export.csv").status_code == 200
    assert guesser.get("/api/leaderboards/ppl/export.csv").status_code == 429
    cache.clear()
