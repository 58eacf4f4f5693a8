"""Model output and user text are untrusted: HTML in them is shown as text on every page.

One payload holding both a script element and an attribute break-out (`"><img onerror=...>`) is put
in every place a person or a model can write: model names, descriptions and tags, dataset names and
rows, generations, prompts and references, leaderboard names, audit subjects and documents. No page
may contain it raw; each shows it escaped, or inside a json_script block (which escapes <, > and &).
"""
from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.html import escape

from tests.access.conftest import finished_run
from tests.evaluations.conftest import write_jsonl

pytestmark = pytest.mark.django_db
PAYLOAD = '<script>alert("gb")</script>"><img src=x onerror=alert(1)>'
# The pieces a browser would act on; none may reach a page unescaped.
ACTIVE = ("<script>alert(", "<img src=x onerror", '"><img')


def in_json_script(value: str) -> str:
    """Return `value` as django's json_script writes it (<, > and & as unicode escapes)."""
    return json.dumps(value).replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def assert_shown_escaped(client: Client, url: str, *, expect: str | None = PAYLOAD) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    for active in ACTIVE:
        assert active not in page, f"{url} shows {active!r} unescaped"
    if expect is not None:
        shown = escape(expect) in page or in_json_script(expect)[1:-1] in page
        assert shown, f"{url} does not show the text at all"
    return page


def json_script_data(page: str, element_id: str):
    """Return what the page's json_script block holds, as the browser's JSON.parse would read it."""
    block = page.split(f'<script id="{element_id}" type="application/json">')[1].split("</script>")[0]
    return json.loads(block)


@pytest.fixture
def hostile_world(tiny_model_dir, text_version, tmp_path):
    from glassbox.leaderboards.services import create_leaderboard, take_snapshot
    from glassbox.registry.services import create_dataset_with_version, register_model

    model = register_model(name=f"Llama {PAYLOAD}", slug="llama", source=str(tiny_model_dir),
                           description=f"About {PAYLOAD}", tags=[PAYLOAD], license=PAYLOAD)
    rows = [{"id": "evil", "text": f"row {PAYLOAD}"}, {"id": "plain", "text": "a plain row"}]
    hostile = create_dataset_with_version(
        name=f"Corpus {PAYLOAD}", slug="corpus", kind="text", description=PAYLOAD, note=PAYLOAD,
        original_name="corpus.jsonl", uploaded_file_or_path=write_jsonl(tmp_path / "corpus.jsonl", rows))
    run = finished_run(model, text_version, 2.5)
    board = create_leaderboard(slug="board", name=f"Board {PAYLOAD}", description=PAYLOAD,
                               dataset_version=text_version, evaluator="perplexity", metrics=["perplexity"],
                               primary_metric="perplexity")
    snapshot = take_snapshot(board, note=PAYLOAD)
    return {"model": model, "dataset": hostile, "run": run, "board": board, "snapshot": snapshot}


def test_model_names_and_descriptions_are_escaped_on_every_page(client, hostile_world):
    for url in ("/", "/models/", "/models/llama/", "/datasets/", "/datasets/corpus/", "/runs/",
                f"/runs/{hostile_world['run'].pk}/", "/leaderboards/"):
        assert_shown_escaped(client, url)


def test_dataset_rows_are_escaped_in_the_preview(client, hostile_world):
    page = assert_shown_escaped(client, "/datasets/corpus/v1/")
    assert escape(f"row {PAYLOAD}") in page


def test_the_leaderboard_page_and_its_chart_data_keep_the_name_as_text(client, hostile_world):
    for url in ("/leaderboards/board/", f"/snapshots/{hostile_world['snapshot'].uid}/"):
        page = assert_shown_escaped(client, url)
        # The chart gets the name intact, as data for Plotly, never as markup in the page.
        assert f"Llama {PAYLOAD}" in json_script_data(page, "leaderboard-data")["models"]
    exported = client.get("/api/leaderboards/board/export.json")
    assert exported["Content-Type"].startswith("application/json")
    assert exported.json()["rows"][0]["model_name"] == f"Llama {PAYLOAD}"


def test_generations_prompts_and_references_are_escaped_in_the_sample_browser(client, tiny_model_dir, tmp_path):
    from glassbox.evaluations import services
    from glassbox.registry.services import create_dataset_with_version, register_model

    row = {"id": "t0", "prompt": f"# {PAYLOAD}\ndef f():\n", "references": [f"    return '{PAYLOAD}'\n"],
           "lang": "python"}
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps(row) + "\n")
    version = create_dataset_with_version(name="Tasks", slug="tasks", kind="codegen", uploaded_file_or_path=path,
                                          original_name="tasks.jsonl")
    model = register_model(name="Tiny", slug="tiny", source=str(tiny_model_dir))
    run = services.start_run(evaluator="codegen", model=model, dataset_version=version, params={"max_new_tokens": 64})
    services.begin_attempt(run.pk)
    generation = f"    return 1  # {PAYLOAD}\n"
    services.record_sample(run.pk, "t0", 0, {"prompt": row["prompt"], "generation": generation,
                                             "generations": [generation], "references": row["references"],
                                             "scores": {"codebleu": 0.5, "bleu": 50.0}})
    summary = {"n": 1, "bleu_signature": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.5.1"}
    for name in ("bleu", "bleu_codexglue", "codebleu", "exact_match", "exact_match_strict", "ngram_match",
                 "weighted_ngram_match", "syntax_match", "dataflow_match"):
        summary[name], summary[name + "_ci"] = 0.5, [0.25, 0.75]
    services.finish_run(run.pk, summary)
    page = assert_shown_escaped(client, f"/runs/{run.pk}/")
    for text in (generation.strip(), f"# {PAYLOAD}", f"return '{PAYLOAD}'"):
        assert escape(text) in page, text


def test_audit_subjects_and_documents_are_escaped_with_and_without_the_evidence_mark(client):
    from evaluators.transparency.checklists import Checklist as ChecklistFile, Indicator
    from glassbox.transparency import services

    admin = User.objects.create_user("ada", is_staff=True)
    client.force_login(admin)
    checklist = services.import_checklist(ChecklistFile("mini", (Indicator("Upstream", "Data", PAYLOAD),)),
                                          slug="mini")
    audit = services.create_audit(checklist=checklist, developer=f"Acme {PAYLOAD}", name=f"Model {PAYLOAD}",
                                  user=admin)
    text = f"Intro. Data: {PAYLOAD}. Outro."
    document = services.add_text_document(audit, title=f"Card {PAYLOAD}", text=text, user=admin)
    assert_shown_escaped(client, f"/transparency/audits/{audit.pk}/")
    url = f"/transparency/audits/{audit.pk}/documents/{document.pk}/"
    assert_shown_escaped(client, url)
    # The evidence highlight is the one place the page builds markup around document text.
    start = text.index(PAYLOAD)
    for begin, end in ((start, start + len(PAYLOAD)), (start + 3, start + 20), (0, len(text))):
        page = assert_shown_escaped(client, f"{url}?start={begin}&end={end}", expect=None)
        assert f'<mark id="evidence">{escape(text[begin:end])}</mark>' in page
