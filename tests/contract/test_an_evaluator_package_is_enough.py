"""An evaluator package that exists only in the tests (echo_length, tests/contract/echo_length/)
registers itself, and with no platform file changed it appears in the evaluator list, the API's
choices and schema, the new-run form, a run page with its sample table, a leaderboard with
intervals and rank groups, and both exports. Its dataset kind needs no migration."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[2]
# Lines long enough that an 8-token context cuts every one of them.
LINES = ["def add(a, b): return a + b  # the sum of two numbers",
         "The quick brown fox jumps over the lazy dog, twice over.",
         "for index in range(10): print(index * index, index + 1)",
         "Sphinx of black quartz, judge my vow; five boxing wizards jump.",
         "café, naïve and a fox 🦊 cost more bytes than characters",
         "import os, sys; print(sys.argv[1:], os.getcwd(), os.sep)"]
pytestmark = pytest.mark.django_db


def test_the_platform_does_not_name_it():
    for folder in ("platform", "templates", "workers"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".html", ".txt", ".json"):
                text = path.read_text(encoding="utf-8", errors="ignore")
                assert "echo_length" not in text and "echo_lines" not in text, path


@pytest.fixture
def staff():
    from django.contrib.auth.models import User

    user = User.objects.create_user("staff", password="pw", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.user = user
    return client


@pytest.fixture
def lines_version(echo_length, staff, tmp_path):
    """Uploaded through the API as a dataset of the package's own kind."""
    path = tmp_path / "lines.jsonl"
    path.write_text("".join(json.dumps({"id": f"l{i}", "text": text}) + "\n" for i, text in enumerate(LINES)),
                    encoding="utf-8")
    with path.open("rb") as handle:
        response = staff.post("/api/datasets/", {"name": "Lines", "slug": "lines", "kind": "echo_lines",
                                                 "file": handle}, format="multipart")
    assert response.status_code == 201, response.content
    from glassbox.registry.models import DatasetVersion

    return DatasetVersion.objects.get(dataset__slug="lines")


@pytest.fixture
def two_models(tiny_model_dir, short_model_dir):
    from glassbox.registry.services import register_model

    return (register_model(name="Long context", slug="long", source=str(tiny_model_dir)),
            register_model(name="Short context", slug="short", source=str(short_model_dir)))


def _run(staff, model: str) -> int:
    from glassbox.evaluations import execution

    response = staff.post("/api/runs/", {"evaluator": "echo_length", "model": model, "dataset": "lines"},
                          format="json")
    assert response.status_code == 201, response.content
    run_id = response.json()["id"]
    execution.execute(run_id)
    return run_id


def test_it_is_listed_and_offered_everywhere(echo_length, staff, client):
    page = client.get("/evaluators/").content.decode()
    assert 'id="evaluator-echo_length"' in page and "Lines to echo" in page and "mean_length" in page
    listed = {entry["name"]: entry for entry in staff.get("/api/evaluators/").json()}
    assert listed["echo_length"]["dataset_kind"]["kind"] == "echo_lines"
    assert listed["echo_length"]["metrics"] == [{
        "name": "mean_length", "goal": "higher", "target": None, "goal_label": "higher is better",
        "unit": "tokens", "description": "mean tokens per line the model holds", "paired_test": True}]
    assert listed["echo_length"]["parameters"]["properties"]["cap"]["maximum"] == 1_000_000
    schema = staff.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert "echo_length" in components["EvaluatorEnum"]["enum"]
    assert "echo_lines" in components["KindEnum"]["enum"]

    client.force_login(staff.user)
    form = client.get("/runs/new/").content.decode()
    assert '<option value="echo_length">' in form
    upload = client.get("/datasets/new/").content.decode()
    assert '<option value="echo_lines">' in upload


def test_a_new_dataset_kind_needs_no_migration(echo_length):
    # Raises SystemExit(1) when the models and the migrations disagree.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_a_run_page_shows_its_sample_table(echo_length, lines_version, two_models, staff, client):
    from glassbox.evaluations.models import Run

    run = Run.objects.get(pk=_run(staff, "short"))
    assert run.status == "succeeded", run.error
    # Every line is cut at the short model's context.
    assert [s.data["length"] for s in run.samples.order_by("index")] == [8] * len(LINES)
    metric = run.metrics.get()
    assert (metric.value, metric.ci_low, metric.ci_high, metric.unit) == (8.0, 8.0, 8.0, "tokens")

    long_run = Run.objects.get(pk=_run(staff, "long"))
    lengths = {s.key: s.data["length"] for s in long_run.samples.all()}
    assert min(lengths.values()) > 8
    page = client.get(f"/runs/{long_run.pk}/").content.decode()
    assert "<h2>Lines</h2>" in page and "<h2>Lengths</h2>" in page
    # Sorted by length, longest first (the table's default), each line escaped as code.
    order = sorted(lengths, key=lambda key: (-lengths[key], int(key[1:])))
    positions = [page.index(f"<td>{key}</td>") for key in order]
    assert positions == sorted(positions)
    ascending = client.get(f"/runs/{long_run.pk}/?sort=length").content.decode()
    order = sorted(lengths, key=lambda key: (lengths[key], int(key[1:])))  # ties in dataset order
    positions = [ascending.index(f"<td>{key}</td>") for key in order]
    assert positions == sorted(positions)
    assert "<td><pre><code>def add(a, b): return a + b  # the sum of two numbers</code></pre></td>" in page

    compared = client.get(f"/runs/{run.pk}/compare/{long_run.pk}/").content.decode()
    assert "length in tokens" in compared


def test_a_leaderboard_ranks_it_with_intervals_groups_and_exports(echo_length, lines_version, two_models,
                                                                   staff, client):
    from glassbox.leaderboards import services as leaderboards

    for model in ("short", "long"):
        _run(staff, model)
    leaderboards.create_leaderboard(slug="echo", name="Echo", dataset_version=lines_version,
                                    evaluator="echo_length", metrics=["mean_length"],
                                    primary_metric="mean_length")
    exported = staff.get("/api/leaderboards/echo/export.json").json()
    rows = exported["rows"]
    assert [row["model"] for row in rows] == ["long", "short"]
    long_cell, short_cell = rows[0]["cells"]["mean_length"], rows[1]["cells"]["mean_length"]
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(two_models[0].source)
    expected = sum(len(tokenizer(text)["input_ids"]) for text in LINES) / len(LINES)
    assert long_cell["value"] == pytest.approx(expected)
    assert long_cell["ci_low"] <= long_cell["value"] <= long_cell["ci_high"]
    assert long_cell["ci_low"] < long_cell["ci_high"]  # the lines differ in length
    assert short_cell["value"] == 8.0
    # The long model holds more of every line: a significant paired difference, two groups.
    assert [row["rank_group"] for row in rows] == [1, 2]
    assert exported["leaderboard"]["metric_goals"]["mean_length"] == {
        "goal": "higher", "goal_label": "higher is better", "unit": "tokens"}

    lines = list(csv.DictReader(io.StringIO(staff.get("/api/leaderboards/echo/export.csv").content.decode())))
    assert [line["model"] for line in lines] == ["long", "short"]
    assert float(lines[1]["mean_length"]) == 8.0 and lines[0]["mean_length_goal"] == "higher"

    page = client.get("/leaderboards/echo/").content.decode()
    assert "mean_length" in page and "(tokens)" in page
