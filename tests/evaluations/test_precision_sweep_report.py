"""A sweep's report, page and API: each format beside the reference (the shell sweep's own paired
comparison from the stored records), memory and speed from its runs, progress while they run."""
from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.api.conftest import anon, staff  # noqa: F401 (fixtures used by name)

from .sweep_world import (PEAK, ROOFLINE, SPEED, WEIGHTS, finish_quality, finish_sweep, perplexity_of,
                          prompts_version, records)  # noqa: F401 (fixture used by name)

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'


@pytest.fixture
def evil_model(tiny_model_dir):
    from glassbox.registry.services import register_model

    return register_model(name=f"Tiny {EVIL}", slug="evil", source=str(tiny_model_dir))


@pytest.fixture
def sweep(evil_model, text_version, prompts_version):
    from glassbox.evaluations.sweeps.services import start_sweep

    return start_sweep(evaluator="perplexity", model=evil_model, dataset_version=text_version,
                       precisions=["float32", "bfloat16", "int8"], speed_dataset_version=prompts_version)


def test_each_format_is_paired_with_the_reference_as_the_shell_sweep_pairs_it(sweep):
    from evaluators.sweep.compare import compare_to_reference
    from glassbox.evaluations.sweeps.queries import sweep_report

    finish_sweep(sweep)
    report = sweep_report(sweep)
    assert report["progress"] == {"finished": 6, "total": 6, "running": False, "percent": 100}
    assert (report["reference"], report["primary_metric"], report["model_name"]) == ("float32", "perplexity",
                                                                                     f"Tiny {EVIL}")
    reference, _, int8 = report["formats"]
    expected = compare_to_reference("perplexity", records("float32"), records("int8"),
                                    {"perplexity": perplexity_of("float32")}, {"perplexity": perplexity_of("int8")})
    change = int8["metrics"]["perplexity"]
    assert change["diff"] == pytest.approx(expected["metrics"]["perplexity"]["diff"])
    assert change["diff"] == pytest.approx(perplexity_of("int8") - perplexity_of("float32"))
    assert change["ci"] == pytest.approx(expected["metrics"]["perplexity"]["ci"])
    assert change["p_value"] == pytest.approx(expected["metrics"]["perplexity"]["p_value"])
    assert change["ci"][0] <= change["diff"] <= change["ci"][1] and change["n"] == 6
    value = perplexity_of("int8")
    assert change["value"] == pytest.approx(value) and change["value_ci"] == pytest.approx([value - 0.5, value + 0.5])
    # bits_per_byte was not in the summary, but the records rebuild its paired difference.
    assert int8["metrics"]["bits_per_byte"]["value"] is None and int8["metrics"]["bits_per_byte"]["diff"] > 0
    assert (int8["weight_bytes"], int8["predicted_weight_bytes"], int8["peak_memory_bytes"]) == \
        (WEIGHTS["int8"], WEIGHTS["int8"] - 1000, PEAK["int8"])
    assert int8["decode_tokens_per_s"] == SPEED["int8"]
    assert int8["speed_ratio"] == pytest.approx(SPEED["int8"] / SPEED["float32"])
    assert int8["roofline_tokens_per_s"] == ROOFLINE["int8"]
    assert int8["roofline_share"] == pytest.approx(SPEED["int8"] / ROOFLINE["int8"])
    assert int8["changed_generations"] is None  # perplexity generates nothing
    assert reference["speed_ratio"] == 1.0 and reference["metrics"]["perplexity"]["diff"] == 0


def test_unfinished_runs_show_their_status_and_the_page_its_progress(client, sweep):
    from glassbox.evaluations.sweeps.queries import sweep_report

    first = sweep.entries.get(position=0)
    finish_quality(first.quality_run, "float32")
    report = sweep_report(sweep)
    assert report["progress"] == {"finished": 1, "total": 6, "running": True, "percent": 16}
    assert [row["quality_run"]["status"] for row in report["formats"]] == ["succeeded", "queued", "queued"]
    assert [row["compared"] for row in report["formats"]] == [True, False, False]
    assert report["formats"][2]["metrics"] == {} and report["formats"][2]["weight_bytes"] is None
    page = client.get(reverse("evaluations:sweep-detail", args=[sweep.pk])).content.decode()
    assert "1 of 6 runs finished (16%)" in page and '<meta http-equiv="refresh"' in page


def test_a_failed_reference_leaves_the_others_their_own_values_and_says_why(client, sweep):
    from glassbox.evaluations import services
    from glassbox.evaluations.sweeps.queries import sweep_report

    services.fail_run(sweep.entries.get(position=0).quality_run_id, "CUDA out of memory")
    finish_quality(sweep.entries.get(position=2).quality_run, "int8")
    int8 = sweep_report(sweep)["formats"][2]
    assert (int8["compared"], int8["weight_bytes"]) == (False, WEIGHTS["int8"])
    assert int8["metrics"]["perplexity"]["value"] == pytest.approx(perplexity_of("int8"))
    assert int8["metrics"]["perplexity"]["diff"] is None
    page = client.get(reverse("evaluations:sweep-detail", args=[sweep.pk])).content.decode()
    assert "CUDA out of memory" in page and "no comparison: the reference run failed" in page


def test_the_page_escapes_names_and_draws_change_against_memory_coloured_by_speed(client, sweep):
    finish_sweep(sweep)
    response = client.get(reverse("evaluations:sweep-detail", args=[sweep.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and EVIL not in page
    assert "Tiny &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert f'src="{reverse("evaluations:plotly-js")}"' in page and "refresh" not in page
    assert re.search(r'<script nonce="[^"]+">', page)
    chart = json.loads(re.search(r'<script id="sweep-chart-data" type="application/json">(.*?)</script>',
                                 page, re.S).group(1))
    assert chart["labels"] == ["float32", "bfloat16", "int8"]
    assert chart["x"] == pytest.approx([WEIGHTS[p] / 2**20 for p in chart["labels"]])
    assert chart["y"] == pytest.approx([perplexity_of(p) - perplexity_of("float32") for p in chart["labels"]])
    assert chart["tokens_per_s"] == [SPEED[p] for p in chart["labels"]]
    table = page[page.index('id="sweep-formats"'):page.index('id="sweep-quality"')]
    assert "1.05 MiB" in table and "30.0000 tokens/s" in table and "0.7500×" in table and "8.3333%" in table
    quality = page[page.index('id="sweep-quality"'):]
    # One "reference" cell per metric (the float32 rows); the others show their change.
    assert quality.count('colspan="4">reference</td>') == 4
    assert f'+{perplexity_of("int8") - perplexity_of("float32"):.4f}' in quality


def test_the_api_returns_the_report_and_creates_sweeps(staff, anon, sweep, tiny_model, text_version,
                                                        prompts_version):
    from glassbox.evaluations.sweeps.queries import sweep_report

    finish_sweep(sweep)
    body = anon.get(f"/api/sweeps/{sweep.pk}/").json()
    assert body == json.loads(json.dumps(sweep_report(sweep)))
    assert anon.get("/api/sweeps/999999/").status_code == 404
    request = {"evaluator": "perplexity", "model": "tiny", "dataset": "docs", "precisions": ["float32", "int8"],
               "params": {"batch_size": 2}, "speed_dataset": "prompts"}
    assert anon.post("/api/sweeps/", request, format="json").status_code in (401, 403)
    created = staff.post("/api/sweeps/", request, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["precisions"] == ["float32", "int8"] and created.json()["progress"]["running"]
    for changes, field in (({"precisions": ["int8", "int8"]}, "precisions"),
                           ({"speed_dataset": "docs"}, "speed_dataset"),
                           ({"evaluator": "nope"}, "evaluator"), ({"params": {"precision": "int8"}}, "params"),
                           ({"model": "missing"}, "model")):
        refused = staff.post("/api/sweeps/", {**request, **changes}, format="json")
        assert refused.status_code == 400 and field in refused.json(), (changes, refused.json())


def test_a_sweep_of_a_private_model_is_hidden_from_others(anon, client, tiny_model_dir, text_version):
    from django.contrib.auth.models import User
    from glassbox.evaluations.sweeps.services import start_sweep
    from glassbox.registry.services import register_model

    owner = User.objects.create_user("olive")
    private = register_model(name="Hidden", slug="hidden", source=str(tiny_model_dir), owner=owner, is_private=True)
    sweep = start_sweep(evaluator="perplexity", model=private, dataset_version=text_version,
                        precisions=["float32", "int8"], user=owner)
    assert anon.get(f"/api/sweeps/{sweep.pk}/").status_code == 404
    assert client.get(reverse("evaluations:sweep-detail", args=[sweep.pk])).status_code == 404
    client.force_login(owner)
    assert client.get(reverse("evaluations:sweep-detail", args=[sweep.pk])).status_code == 200


def test_the_report_conforms_to_the_api_schema_finished_or_not(sweep, settings):
    import schemathesis
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from schemathesis.specs.openapi.checks import response_schema_conformance

    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # In-process requests must not close the test's database connection (as in tests/hardening).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        operation = schema["/api/sweeps/{id}/"]["GET"]
        finish_quality(sweep.entries.get(position=0).quality_run, "float32")  # one finished, five queued
        for finished in (False, True):
            if finished:
                finish_sweep(sweep)
            response = operation.Case(path_parameters={"id": str(sweep.pk)}).call_and_validate(
                checks=[response_schema_conformance])
            assert response.status_code == 200 and response.json()["progress"]["running"] is not finished
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
