"""The whole permission matrix, pages and API: who may see and do what.

Users (columns): anonymous; `user`, signed in with no role; `contributor`; `auditor`; `admin`, a
staff user; `owner`, a contributor who owns the private model `priv` and the private dataset `secret`
(see conftest.py for the world). Each row is an action; each cell the outcome that must follow:

- a status code;
- `login`: sent to the login page (a page that needs an account, asked anonymously);
- `shown` / `hidden`: the page or export answers 200 and does / does not contain the private thing.

Anonymous API writes answer 401 (the API asks for a token); signed-in users without the role get
403. A private object someone may not see answers 404, never 403, so its existence is not revealed.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from glassbox.evaluations.models import Run
from glassbox.transparency.models import IndicatorScore

from .conftest import DOCUMENTS, USERS, client_for

pytestmark = pytest.mark.django_db
JSONL = "".join(json.dumps(doc) + "\n" for doc in DOCUMENTS).encode()

#                                               anonymous  user      contributor auditor   admin     owner
MATRIX = {
    # --- models -------------------------------------------------------------------------------------------
    "page: public model":                      (200,      200,      200,      200,      200,      200),
    "page: private model":                     (404,      404,      404,      404,      200,      200),
    "page: model list, private row":           ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "page: public model's card, secret run":   ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "page: register model form":               ("login",  403,      200,      403,      200,      200),
    "api: public model":                       (200,      200,      200,      200,      200,      200),
    "api: private model":                      (404,      404,      404,      404,      200,      200),
    "api: model list, private row":            ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: register model":                     (401,      403,      201,      403,      201,      201),
    # --- datasets -----------------------------------------------------------------------------------------
    "page: public dataset":                    (200,      200,      200,      200,      200,      200),
    "page: private dataset":                   (404,      404,      404,      404,      200,      200),
    "page: dataset list, private row":         ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "page: upload dataset form":               ("login",  403,      200,      403,      200,      200),
    "api: public dataset":                     (200,      200,      200,      200,      200,      200),
    "api: private dataset":                    (404,      404,      404,      404,      200,      200),
    "api: dataset list, private row":          ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: upload dataset":                     (401,      403,      201,      403,      201,      201),
    "api: new version of public dataset":      (401,      403,      201,      403,      201,      201),
    "api: new version of private dataset":     (401,      403,      404,      403,      201,      201),
    # --- runs ---------------------------------------------------------------------------------------------
    "page: public run":                        (200,      200,      200,      200,      200,      200),
    "page: run of private model":              (404,      404,      404,      404,      200,      200),
    "page: run on private dataset":            (404,      404,      404,      404,      200,      200),
    "page: run progress of private model":     (404,      404,      404,      404,      200,      200),
    "page: run list, private runs":            ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "page: home, private runs":                ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "page: start run form":                    ("login",  403,      200,      403,      200,      200),
    "page: cancel contributor's run":          ("login",  403,      302,      403,      302,      403),
    "api: public run":                         (200,      200,      200,      200,      200,      200),
    "api: run of private model":               (404,      404,      404,      404,      200,      200),
    "api: run list, private runs":             ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: results, private runs":              ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: start run on public model":          (401,      403,      201,      403,      201,      201),
    "api: start run on private model":         (401,      403,      400,      403,      201,      201),
    "api: cancel contributor's run":           (401,      403,      200,      403,      200,      403),
    # --- leaderboards and snapshots -----------------------------------------------------------------------
    "page: leaderboard, private row":          ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: leaderboard CSV, private row":       ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: leaderboard JSON, private row":      ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: leaderboard table, private row":     ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "page: leaderboard list, private board":   ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "page: leaderboard on private dataset":    (404,      404,      404,      404,      200,      200),
    "api: export of private-dataset board":    (404,      404,      404,      404,      200,      200),
    "page: snapshot, private row":             ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: snapshot CSV, private row":          ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: snapshot JSON, private row":         ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "api: snapshot, private row":              ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    # --- audits -------------------------------------------------------------------------------------------
    "page: published audit":                   (200,      200,      200,      200,      200,      200),
    "page: unpublished audit":                 (404,      404,      404,      200,      200,      404),
    "api: published audit":                    (200,      200,      200,      200,      200,      200),
    "api: unpublished audit":                  (404,      404,      404,      200,      200,      404),
    "page: score an indicator":                ("login",  403,      403,      302,      302,      403),
    "api: score an indicator":                 (401,      403,      403,      201,      201,      403),
    "page: publish an audit":                  ("login",  403,      403,      302,      302,      403),
    "api: publish an audit":                   (401,      403,      403,      200,      200,      403),
    "page: transparency index, private audit": ("hidden", "hidden", "hidden", "shown",  "shown",  "shown"),
    "page: audit list, private audit":         ("hidden", "hidden", "hidden", "shown",  "shown",  "shown"),
    # --- schedules and suites -----------------------------------------------------------------------------
    "page: schedules, private dataset":        ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
    "page: schedules, private model":          ("hidden", "hidden", "hidden", "hidden", "shown",  "shown"),
}


def _status(response) -> int | str:
    if response.status_code == 302 and "/login/" in response.get("Location", ""):
        return "login"
    return response.status_code


def _presence(response, needle: str) -> str:
    assert response.status_code == 200, response.status_code
    return "shown" if needle in response.content.decode() else "hidden"


def _beside(response, needle: str, public: str) -> str:
    """Like _presence, once the public counterpart is checked to be there for everyone."""
    assert public in response.content.decode()
    return _presence(response, needle)


def _audit_link(audit) -> str:
    return f'href="/transparency/audits/{audit.pk}/"'


def _csv_models(response) -> str:
    assert response.status_code == 200
    models = {row["model"] for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert "pub" in models  # the public row is there for everyone
    return "shown" if "priv" in models else "hidden"


def _json_models(table: dict) -> str:
    models = {row["model"] for row in table["rows"]}
    assert "pub" in models
    return "shown" if "priv" in models else "hidden"


def _api_json(response) -> dict:
    assert response.status_code == 200, response.status_code
    return response.json()


def _runs_shown(ids: set[int], w) -> str:
    private = {w.priv_model_run.pk, w.priv_dataset_run.pk}
    assert w.pub_run.pk in ids
    seen = private & ids
    assert seen in (set(), private), seen  # both private runs follow the same rule for these users
    return "shown" if seen else "hidden"


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JSONL)


ACTIONS = {
    "page: public model": lambda c, w: _status(c.get("/models/pub/")),
    "page: private model": lambda c, w: _status(c.get("/models/priv/")),
    "page: model list, private row": lambda c, w: _presence(c.get("/models/"), "/models/priv/"),
    "page: public model's card, secret run": lambda c, w: _presence(c.get("/models/pub/"), "Secret docs"),
    "page: register model form": lambda c, w: _status(c.get("/models/register/")),
    "api: public model": lambda c, w: _status(c.get("/api/models/pub/")),
    "api: private model": lambda c, w: _status(c.get("/api/models/priv/")),
    "api: model list, private row": lambda c, w: (
        "shown" if "priv" in {m["slug"] for m in _api_json(c.get("/api/models/"))["results"]} else "hidden"),
    "api: register model": lambda c, w: _status(c.post("/api/models/", {
        "name": "New", "source": w.pub.source}, format="json")),
    "page: public dataset": lambda c, w: _status(c.get("/datasets/docs/")),
    "page: private dataset": lambda c, w: _status(c.get("/datasets/secret/")),
    "page: dataset list, private row": lambda c, w: _presence(c.get("/datasets/"), "/datasets/secret/"),
    "page: upload dataset form": lambda c, w: _status(c.get("/datasets/new/")),
    "api: public dataset": lambda c, w: _status(c.get("/api/datasets/docs/")),
    "api: private dataset": lambda c, w: _status(c.get("/api/datasets/secret/")),
    "api: dataset list, private row": lambda c, w: (
        "shown" if "secret" in {d["slug"] for d in _api_json(c.get("/api/datasets/"))["results"]} else "hidden"),
    "api: upload dataset": lambda c, w: _status(c.post("/api/datasets/", {
        "name": "Fresh", "kind": "text", "file": _upload("fresh.jsonl")}, format="multipart")),
    "api: new version of public dataset": lambda c, w: _status(c.post("/api/datasets/docs/versions/", {
        "file": _upload("docs-v2.jsonl"), "note": "same rows, new name"}, format="multipart")),
    "api: new version of private dataset": lambda c, w: _status(c.post("/api/datasets/secret/versions/", {
        "file": SimpleUploadedFile("s2.jsonl", JSONL[: JSONL.index(b"\n") + 1])}, format="multipart")),
    "page: public run": lambda c, w: _status(c.get(f"/runs/{w.pub_run.pk}/")),
    "page: run of private model": lambda c, w: _status(c.get(f"/runs/{w.priv_model_run.pk}/")),
    "page: run on private dataset": lambda c, w: _status(c.get(f"/runs/{w.priv_dataset_run.pk}/")),
    "page: run progress of private model": lambda c, w: _status(c.get(f"/runs/{w.priv_model_run.pk}/progress.json")),
    "page: run list, private runs": lambda c, w: _runs_shown(
        {run.pk for run in c.get("/runs/").context["runs"]}, w),
    "page: home, private runs": lambda c, w: _runs_shown(
        {run.pk for run in c.get("/").context["runs"]}, w),
    "page: start run form": lambda c, w: _status(c.get("/runs/new/")),
    "page: cancel contributor's run": lambda c, w: _status(c.post(f"/runs/{w.queued_run.pk}/cancel/")),
    "api: public run": lambda c, w: _status(c.get(f"/api/runs/{w.pub_run.pk}/")),
    "api: run of private model": lambda c, w: _status(c.get(f"/api/runs/{w.priv_model_run.pk}/")),
    "api: run list, private runs": lambda c, w: _runs_shown(
        {run["id"] for run in _api_json(c.get("/api/runs/"))["results"]}, w),
    "api: results, private runs": lambda c, w: _runs_shown(
        {result["run"] for result in _api_json(c.get("/api/results/"))["results"]}, w),
    "api: start run on public model": lambda c, w: _status(c.post("/api/runs/", {
        "evaluator": "perplexity", "model": "pub", "dataset": "docs", "force": True}, format="json")),
    "api: start run on private model": lambda c, w: _status(c.post("/api/runs/", {
        "evaluator": "perplexity", "model": "priv", "dataset": "docs", "force": True}, format="json")),
    "api: cancel contributor's run": lambda c, w: _status(c.post(f"/api/runs/{w.queued_run.pk}/cancel/")),
    "page: leaderboard, private row": lambda c, w: _presence(c.get("/leaderboards/ppl/"), "Private Llama"),
    "api: leaderboard CSV, private row": lambda c, w: _csv_models(c.get("/api/leaderboards/ppl/export.csv")),
    "api: leaderboard JSON, private row": lambda c, w: _json_models(
        _api_json(c.get("/api/leaderboards/ppl/export.json"))),
    "api: leaderboard table, private row": lambda c, w: _json_models(
        _api_json(c.get("/api/leaderboards/ppl/table/"))),
    "page: leaderboard list, private board": lambda c, w: _presence(c.get("/leaderboards/"), "secret-ppl"),
    "page: leaderboard on private dataset": lambda c, w: _status(c.get("/leaderboards/secret-ppl/")),
    "api: export of private-dataset board": lambda c, w: _status(c.get("/api/leaderboards/secret-ppl/export.json")),
    "page: snapshot, private row": lambda c, w: _presence(c.get(f"/snapshots/{w.snapshot.uid}/"), "Private Llama"),
    "api: snapshot CSV, private row": lambda c, w: _csv_models(c.get(f"/api/snapshots/{w.snapshot.uid}/export.csv")),
    "api: snapshot JSON, private row": lambda c, w: _json_models(
        _api_json(c.get(f"/api/snapshots/{w.snapshot.uid}/export.json"))),
    "api: snapshot, private row": lambda c, w: _json_models(
        _api_json(c.get(f"/api/snapshots/{w.snapshot.uid}/"))["table"]),
    "page: published audit": lambda c, w: _status(c.get(f"/transparency/audits/{w.published_audit.pk}/")),
    "page: unpublished audit": lambda c, w: _status(c.get(f"/transparency/audits/{w.open_audit.pk}/")),
    "api: published audit": lambda c, w: _status(c.get(f"/api/audits/{w.published_audit.pk}/")),
    "api: unpublished audit": lambda c, w: _status(c.get(f"/api/audits/{w.open_audit.pk}/")),
    "page: score an indicator": lambda c, w: _status(c.post(f"/transparency/audits/{w.open_audit.pk}/score/", {
        "indicator": w.open_audit.checklist.indicators.get().pk, "score": 1})),
    "api: score an indicator": lambda c, w: _status(c.post(f"/api/audits/{w.open_audit.pk}/scores/", {
        "indicator": w.open_audit.checklist.indicators.get().pk, "score": 1}, format="json")),
    "page: publish an audit": lambda c, w: _status(c.post(f"/transparency/audits/{w.ready_audit.pk}/publish/")),
    "api: publish an audit": lambda c, w: _status(c.post(f"/api/audits/{w.ready_audit.pk}/publish/")),
    "page: transparency index, private audit": lambda c, w: _beside(
        c.get(f"/transparency/checklists/{w.priv_audit.checklist_id}/index/"), _audit_link(w.priv_audit),
        _audit_link(w.published_audit)),
    "page: audit list, private audit": lambda c, w: _beside(
        c.get("/transparency/"), _audit_link(w.priv_audit), _audit_link(w.published_audit)),
    "page: schedules, private dataset": lambda c, w: _beside(c.get("/schedules/"), "/datasets/secret/",
                                                             "/datasets/docs/"),
    "page: schedules, private model": lambda c, w: _beside(c.get("/schedules/"), "/models/priv/", "/models/pub/"),
}

CELLS = [(action, user, expected) for action, row in MATRIX.items() for user, expected in zip(USERS, row)]


def test_the_matrix_covers_every_action_and_user():
    assert set(MATRIX) == set(ACTIONS)
    assert all(len(row) == len(USERS) for row in MATRIX.values())


@pytest.mark.parametrize("action, user, expected", CELLS, ids=[f"{a} | {u}" for a, u, _ in CELLS])
def test_cell(world, action, user, expected):
    outcome = ACTIONS[action](client_for(world.users[user]), world)
    assert outcome == expected, f"{action} as {user}: got {outcome}, expected {expected}"
