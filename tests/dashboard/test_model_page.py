"""The model page: every result grouped by evaluator and dataset version with its 95% interval,
the metric history chart's data, the model card Glassbox writes, and the model's audits."""
from __future__ import annotations

import json
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import BYTES, TOKENS, seed_codegen_run, seed_perplexity_run

pytestmark = pytest.mark.django_db
QUERIES = 9  # model; runs + their metrics; the card's runs + metrics; scheduled changes; audits; sweeps; Medusa heads


def page(client, model) -> str:
    response = client.get(reverse("registry:model-detail", args=[model.slug]))
    assert response.status_code == 200
    return response.content.decode()


def history(html: str) -> list[dict]:
    return json.loads(html.split('<script id="history-data" type="application/json">')[1].split("</script>")[0])


def test_results_are_grouped_by_evaluator_and_dataset_version_with_intervals(
        client, tiny_model, text_version, second_text_version, code_version):
    nlls = [20.0, 25.0, 30.0, 3.0, 28.0, 22.0]
    perplexity = seed_perplexity_run(tiny_model, text_version, nlls)
    seed_perplexity_run(tiny_model, second_text_version, nlls)
    codegen = seed_codegen_run(tiny_model, code_version, [1, 0, 1, 0, 0], [0.9, 0.1, 0.8, 0.2, 0.3], ["x"] * 5)
    html = page(client, tiny_model)
    tables = html.split('<table class="results"')[1:]
    assert len(tables) == 3
    labels = [table.split(">", 1)[0].strip() for table in tables]
    assert labels == ['data-evaluator="codegen" data-dataset-version="functions v1"',
                      'data-evaluator="perplexity" data-dataset-version="docs v2"',
                      'data-evaluator="perplexity" data-dataset-version="docs v1"']
    ppl = math.exp(sum(nlls) / sum(TOKENS))
    v1 = tables[2].split("</table>")[0]
    assert f"#{perplexity.pk}" in v1 and f"{ppl:.4f}" in v1 and f"[{ppl * 0.9:.4f}, {ppl * 1.1:.4f}]" in v1
    assert f"{sum(nlls) / sum(BYTES) / math.log(2):.4f}" in v1
    code = tables[0].split("</table>")[0]
    # Exact match is a share, shown in %; CodeBLEU a plain score.
    assert f"#{codegen.pk}" in code and f"{100 * 2 / 5:.4f}%" in code and f"{2.3 / 5:.4f}" in code


def test_the_history_chart_has_one_point_per_run_oldest_first(client, tiny_model, text_version):
    runs = [seed_perplexity_run(tiny_model, text_version, [rate * t for t in TOKENS]) for rate in (3.0, 2.5, 2.0)]
    html = page(client, tiny_model)
    assert "assets/plotly.min.js" in html and "cdn" not in html.lower()
    series = {s["metric"]: s for s in history(html)}
    assert series["perplexity"]["runs"] == [run.pk for run in runs]
    assert series["perplexity"]["y"] == pytest.approx([math.exp(rate) for rate in (3.0, 2.5, 2.0)])
    assert series["perplexity"]["plus"] == pytest.approx([math.exp(rate) * 0.1 for rate in (3.0, 2.5, 2.0)])


def test_the_page_shows_the_glassbox_model_card_and_the_models_audits(client, tiny_model, text_version, audit):
    seed_perplexity_run(tiny_model, text_version, [20.0, 25.0, 30.0, 3.0, 28.0, 22.0])
    html = page(client, tiny_model)
    card = html.split('id="model-card"')[1].split('id="audits"')[0]
    assert "# Tiny Llama" in card and "Evaluation perplexity on dataset Docs version 1: " in card
    # The audit is unpublished: only auditors see it listed.
    assert reverse("transparency:audit-detail", args=[audit.pk]) not in html.split('id="audits"')[1]
    from django.contrib.auth.models import User

    from glassbox.accounts.services import grant_role

    auditor = User.objects.create_user("ada")
    grant_role(auditor, "auditor")
    client.force_login(auditor)
    audits = page(client, tiny_model).split('id="audits"')[1]
    assert reverse("transparency:audit-detail", args=[audit.pk]) in audits and "mini v1" in audits


def test_a_model_without_results_says_so(client, tiny_model):
    html = page(client, tiny_model)
    assert "No finished evaluations of this model yet." in html and "No audits of this model yet." in html


def test_the_model_page_query_count_does_not_grow_with_the_number_of_runs(
        client, tiny_model, text_version, code_version, audit, django_assert_num_queries):
    nlls = [20.0, 25.0, 30.0, 3.0, 28.0, 22.0]
    for _ in range(3):
        seed_perplexity_run(tiny_model, text_version, nlls)
    with CaptureQueriesContext(connection) as few:
        page(client, tiny_model)
    for _ in range(25):
        seed_perplexity_run(tiny_model, text_version, nlls)
    for _ in range(2):
        seed_codegen_run(tiny_model, code_version, [1, 0, 1, 0, 0], [0.9, 0.1, 0.8, 0.2, 0.3], ["x"] * 5)
    with django_assert_num_queries(QUERIES):
        html = page(client, tiny_model)
    assert len(few) == QUERIES and html.count('<td><a href="/runs/') == 30
