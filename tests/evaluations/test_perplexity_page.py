"""The perplexity run page lists documents hardest first, from the per-sample records."""
from __future__ import annotations

import math

import pytest
from django.urls import reverse

from glassbox.evaluations import services

pytestmark = pytest.mark.django_db


def test_documents_are_listed_by_bits_per_byte_worst_first(client, tiny_model, text_version):
    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version, params={})
    services.begin_attempt(run.pk)
    # easy: 10 nats over 100 bytes; hard: 30 nats over 50 bytes; html: its key must be escaped.
    services.record_sample(run.pk, "easy", 0, {"nll": 10.0, "tokens": 20, "words": 15, "bytes": 100})
    services.record_sample(run.pk, "hard", 1, {"nll": 30.0, "tokens": 10, "words": 8, "bytes": 50})
    services.record_sample(run.pk, "<b>doc</b>", 2, {"nll": 20.0, "tokens": 10, "words": 8, "bytes": 100})

    page = client.get(reverse("evaluations:run-detail", args=[run.pk])).content.decode()

    assert page.index("hard") < page.index("&lt;b&gt;doc&lt;/b&gt;") < page.index("easy")
    assert "<b>doc</b>" not in page
    assert f"{30.0 / 50 / math.log(2):.4f}" in page      # bits per byte of "hard"
    assert f"{math.exp(30.0 / 10):.4f}" in page          # its token perplexity
    assert "3 samples" in page and "Documents, hardest first" in page


def test_the_histogram_reads_its_values_from_a_data_element_of_its_own(client, tiny_model, text_version):
    import json
    import re

    run = services.start_run(evaluator="perplexity", model=tiny_model, dataset_version=text_version, params={})
    services.begin_attempt(run.pk)
    services.record_sample(run.pk, "a", 0, {"nll": 10.0, "tokens": 20, "words": 15, "bytes": 100})
    services.record_sample(run.pk, "b", 1, {"nll": 30.0, "tokens": 10, "words": 8, "bytes": 50})

    page = client.get(reverse("evaluations:run-detail", args=[run.pk])).content.decode()

    # The script reads getElementById(id + "-data"): that element must be the JSON, not the chart's div.
    chart_id = re.search(r'<div id="(histogram-\d+)" class="histogram"', page).group(1)
    assert f'getElementById("{chart_id}-data")' in page
    data = json.loads(re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>',
                                page, re.S).group(1))
    assert sorted(data["values"]) == pytest.approx([10.0 / 100 / math.log(2), 30.0 / 50 / math.log(2)])
