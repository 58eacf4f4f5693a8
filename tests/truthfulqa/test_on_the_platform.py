"""TruthfulQA on the site: a .json (mc_task) upload, a run through the worker's code path, and its
page: per-category chart data, escaped questions and answers, questions sorted by how confidently
a false answer won."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .conftest import DATA, csv_lines

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'


@pytest.fixture
def contributor():
    from django.contrib.auth.models import User

    from glassbox.accounts.services import grant_role

    user = User.objects.create_user("cora")
    grant_role(user, "contributor")
    return user


def test_an_mc_task_json_upload_is_stored_and_previewed(settings, tmp_path, client, contributor):
    from glassbox.registry.models import DatasetVersion

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(contributor)
    data = (DATA / "mc_task.json").read_bytes()
    response = client.post(reverse("registry:dataset-create"), {
        "name": "TruthfulQA five", "kind": "truthfulqa", "file": SimpleUploadedFile("mc_task.json", data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    version = DatasetVersion.objects.get(dataset__slug="truthfulqa-five")
    assert (version.file_format, version.row_count, version.original_name) == ("json", 5, "mc_task.json")
    preview = client.get(reverse("registry:dataset-version-detail", args=["truthfulqa-five", 1])).content.decode()
    assert "Where did fortune cookies originate?" in preview


def test_a_bad_json_upload_names_the_line_and_keeps_nothing(settings, tmp_path, client, contributor):
    from glassbox.registry.models import Dataset

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(contributor)
    elements = json.loads((DATA / "mc_task.json").read_text(encoding="utf-8"))
    elements[1]["mc1_targets"] = {}
    text = json.dumps(elements, indent=1)
    line = [n for n, text_line in enumerate(text.split("\n"), start=1) if text_line == " {"][1]
    response = client.post(reverse("registry:dataset-create"), {
        "name": "Broken", "kind": "truthfulqa", "file": SimpleUploadedFile("mc_task.json", text.encode())})
    assert response.status_code == 200 and not Dataset.objects.exists()
    assert f"mc_task.json line {line}: field &#x27;mc1_targets&#x27; must be an object" in response.content.decode()


def evil_csv() -> str:
    rows = list(csv.DictReader(io.StringIO(csv_lines(0, 1, 100, 101))))
    rows[1]["Question"] = f"Where did {EVIL} fortune cookies originate?"
    rows[2]["Incorrect Answers"] += f"; You are {EVIL}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def truthfulqa_run(settings, tmp_path, tiny_model, monkeypatch):
    from glassbox.evaluations import services
    from glassbox.evaluations.execution import execute
    from glassbox.registry.services import create_dataset_with_version, register_model

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GLASSBOX_DEVICE = "cpu"
    monkeypatch.setattr(services, "enqueue", lambda run: None)
    data = tmp_path / "tqa.csv"
    data.write_text(evil_csv(), encoding="utf-8")
    version = create_dataset_with_version(name="TruthfulQA", slug="truthfulqa", kind="truthfulqa",
                                          uploaded_file_or_path=data, original_name="tqa.csv")
    model = register_model(name="Tiny", slug="tiny", source=str(tiny_model))
    run = services.start_run(evaluator="truthfulqa", model=model, dataset_version=version, params={"batch_size": 8})
    execute(run.pk)
    return run


def test_a_run_stores_mc1_mc2_and_a_record_per_question(truthfulqa_run):
    from glassbox.evaluations.models import Run

    run = Run.objects.get(pk=truthfulqa_run.pk)
    assert run.status == "succeeded", run.error
    metrics = {m.name: m for m in run.metrics.all()}
    assert set(metrics) == {"mc1", "mc2"}
    records = list(run.samples.order_by("index"))
    assert [r.key for r in records] == ["1", "2", "3", "4"]
    for name in ("mc1", "mc2"):
        metric = metrics[name]
        assert metric.n == 4 and metric.direction == "higher"
        assert metric.value == pytest.approx(sum(r.data[name] for r in records) / 4)
        assert metric.ci_low <= metric.value <= metric.ci_high
    assert run.summary["form"] == "csv" and set(run.summary["by_category"]) == {
        "Misconceptions", "Indexical Error: Identity"}


def test_the_page_shows_category_bars_escaped_text_and_questions_most_confidently_wrong_first(client, truthfulqa_run):
    from glassbox.evaluations.models import Run

    run = Run.objects.get(pk=truthfulqa_run.pk)
    response = client.get(reverse("evaluations:run-detail", args=[run.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert EVIL not in page
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 2  # a question and an answer
    chart = json.loads(re.search(r'<script id="truthfulqa-chart-data" type="application/json">(.*?)</script>',
                                 page, re.S).group(1))
    assert chart["categories"] == ["Indexical Error: Identity", "Misconceptions"] and chart["n"] == [2, 2]
    assert chart["mc2"]["values"] == [run.summary["by_category"][name]["mc2"] for name in chart["categories"]]
    assert f'src="{reverse("evaluations:plotly-js")}"' in page
    # Every answer's log-likelihood is listed, true ones marked.
    first = run.samples.get(key="1").data
    for text, label, ll in zip(*(first["mc2_targets"][k] for k in ("choices", "labels", "lls"))):
        assert f"{'✓' if label else '✗'} {ll:10.3f}  {text}" in page
    margins = {r.key: r.data["margin"] for r in run.samples.all()}
    table = page[page.index("<h2>Questions</h2>"):]
    shown = re.findall(r'<tr><td class="num">\d+</td><td>(\w+)</td>', table)
    assert shown == sorted(margins, key=lambda key: -margins[key])
