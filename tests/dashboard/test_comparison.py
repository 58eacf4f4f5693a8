"""Comparing two runs: paired differences per metric, the samples that differ most, refusals of
runs that are not on the same dataset version and evaluator, and the link from the run page."""
from __future__ import annotations

import math
import re

import pytest
from django.urls import reverse

from glassbox.evaluations import services

from .conftest import TOKENS, seed_codegen_run, seed_perplexity_run

pytestmark = pytest.mark.django_db
HITS_A, HITS_B = [1, 0, 1, 0, 0], [1, 1, 1, 0, 1]
BLEU_A, BLEU_B = [0.9, 0.1, 0.8, 0.2, 0.3], [0.5, 0.95, 0.8, 0.1, 0.9]


def compare(client, a, b):
    return client.get(reverse("evaluations:run-compare", args=[a.pk, b.pk]))


def metric_row(html: str, name: str) -> list[str]:
    row = html.split(f'<tr data-metric="{name}">')[1].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", "<td" + cell).strip() for cell in row.split("<td")[1:]]


@pytest.fixture
def code_runs(tiny_model, other_model, code_version):
    a = seed_codegen_run(tiny_model, code_version, HITS_A, BLEU_A, [f"a{i}" for i in range(5)])
    b = seed_codegen_run(other_model, code_version, HITS_B, BLEU_B, [f"b{i}" for i in range(5)])
    return a, b


def test_the_difference_is_the_hand_computed_mean_difference_with_a_paired_interval(client, code_runs):
    html = compare(client, *code_runs).content.decode()
    per_sample = [b - a for a, b in zip(HITS_A, HITS_B)]
    mean_difference = sum(per_sample) / len(per_sample)  # 0.4
    cells = metric_row(html, "exact_match")
    # exact_match is a share: the page writes it, its difference and interval in % (points).
    assert cells[1:5] == ["%", f"{100 * sum(HITS_A) / 5:.4f}%", f"{100 * sum(HITS_B) / 5:.4f}%",
                          f"{100 * mean_difference:.4f}%"]
    low, high = (float(x) / 100 for x in re.findall(r"-?\d+\.\d+", cells[5])[:2])
    # Resampled means of per-sample differences in {0, 1} lie in [0, 1], and the interval holds the mean.
    assert 0 <= low <= mean_difference <= high <= 1 and "n=5" in cells[5]


def test_a_metric_without_per_sample_statistic_shows_the_plain_difference(client, code_runs):
    cells = metric_row(compare(client, *code_runs).content.decode(), "codebleu")
    assert cells[4] == f"{sum(BLEU_B) / 5 - sum(BLEU_A) / 5:.4f}" and cells[5] == "no paired test"


def test_the_perplexity_difference_is_rebuilt_from_the_pooled_records(client, tiny_model, other_model, text_version):
    nlls_a = [2.0 * t for t in TOKENS]
    nlls_b = [2.5 * t + e for t, e in zip(TOKENS, (1, -1, 2, 0, -2, 1))]
    a = seed_perplexity_run(tiny_model, text_version, nlls_a)
    b = seed_perplexity_run(other_model, text_version, nlls_b)
    cells = metric_row(compare(client, a, b).content.decode(), "perplexity")
    expected = math.exp(sum(nlls_b) / sum(TOKENS)) - math.exp(sum(nlls_a) / sum(TOKENS))
    assert cells[1] == "—" and cells[4] == f"{expected:.4f}"  # perplexity has no unit
    assert cells[7] == f"run #{a.pk} is better"  # every document is worse for B: perplexity is lower-better


def test_the_samples_that_differ_most_come_first(client, code_runs):
    html = compare(client, *code_runs).content.decode()
    table = html.split('id="sample-differences"')[1].split("</table>")[0]
    keys = re.findall(r"<td>(f\d)</td>", table)
    by_gap = sorted(range(5), key=lambda i: (-abs(BLEU_B[i] - BLEU_A[i]), i))
    assert keys == [f"f{i}" for i in by_gap]
    assert "b1" in table and "a1" in table


def test_runs_on_different_dataset_versions_are_refused(client, tiny_model, text_version, second_text_version):
    a = seed_perplexity_run(tiny_model, text_version, [2.0 * t for t in TOKENS])
    b = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=second_text_version)
    services.record_sample(b.pk, "add", 0, {"nll": 20.0, "tokens": 10, "words": 2, "bytes": 33})
    services.finish_run(b.pk, {"perplexity": math.exp(2.0), "n": 1})
    response = compare(client, a, b)
    assert response.status_code == 400
    html = response.content.decode()
    assert "only runs on the same dataset version can be compared" in html and "docs v2" in html
    assert 'id="metric-differences"' not in html


def test_runs_of_different_evaluators_and_unfinished_runs_are_refused(client, tiny_model, text_version, code_runs):
    perplexity = seed_perplexity_run(tiny_model, text_version, [2.0 * t for t in TOKENS])
    response = compare(client, perplexity, code_runs[0])
    assert response.status_code == 400 and "only runs of the same evaluator can be compared" in response.content.decode()
    queued = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version, force=True)
    response = compare(client, perplexity, queued)
    assert response.status_code == 400 and f"run #{queued.pk} is queued" in response.content.decode()


def test_the_run_page_offers_runs_on_the_same_dataset_version_only(client, tiny_model, other_model, text_version,
                                                                   second_text_version):
    a = seed_perplexity_run(tiny_model, text_version, [2.0 * t for t in TOKENS])
    b = seed_perplexity_run(other_model, text_version, [2.1 * t for t in TOKENS])
    elsewhere = seed_perplexity_run(other_model, second_text_version, [2.1 * t for t in TOKENS])
    html = client.get(reverse("evaluations:run-detail", args=[a.pk])).content.decode()
    form = html.split('id="compare-form"')[1].split("</form>")[0]
    assert f'<option value="{b.pk}">' in form and f'<option value="{elsewhere.pk}">' not in form
    response = client.get(reverse("evaluations:run-compare-pick", args=[a.pk]), {"with": b.pk})
    assert response.status_code == 302 and response.url == reverse("evaluations:run-compare", args=[a.pk, b.pk])


def test_the_comparison_takes_three_queries_however_many_samples(client, code_runs, django_assert_num_queries):
    with django_assert_num_queries(3):  # both runs, their metrics, their records
        assert compare(client, *code_runs).status_code == 200
