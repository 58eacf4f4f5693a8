"""Anyone opens a leaderboard: ranked rows, the Plotly bar chart drawn as SVG, and the CSV export."""
from __future__ import annotations

import csv
import io
import math

import pytest

from tests.dashboard.conftest import TOKENS, seed_perplexity_run

from .conftest import screenshot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

# Every document costs the second model half as much again: it is worse on each one, so the paired
# bootstrap can never tie the two.
NLLS = {"tiny": [20.0, 30.0, 40.0, 2.0, 35.0, 25.0]}
NLLS["other"] = [1.5 * nll for nll in NLLS["tiny"]]


@pytest.fixture
def board(model_dir, tmp_path):
    from glassbox.leaderboards.services import create_leaderboard
    from glassbox.registry.services import create_dataset_with_version, register_model
    from tests.evaluations.conftest import DOCUMENTS, write_jsonl

    version = create_dataset_with_version(name="Docs", slug="docs", kind="text",
                                          uploaded_file_or_path=write_jsonl(tmp_path / "docs.jsonl", DOCUMENTS),
                                          original_name="docs.jsonl")
    runs = {}
    for slug, name in (("other", "Other Llama"), ("tiny", "Tiny Llama")):
        model = register_model(name=name, slug=slug, source=str(model_dir))
        runs[slug] = seed_perplexity_run(model, version, NLLS[slug])
    create_leaderboard(slug="docs-perplexity", name="Docs perplexity", dataset_version=version,
                       evaluator="perplexity", metrics=["perplexity", "bits_per_byte"], primary_metric="perplexity")
    return runs


def test_the_leaderboard_ranks_charts_and_exports(page, board):
    expected = {slug: math.exp(sum(nlls) / sum(TOKENS)) for slug, nlls in NLLS.items()}
    assert expected["tiny"] < expected["other"]  # lower perplexity ranks first

    page.goto("/leaderboards/")
    page.click("text=Docs perplexity")
    page.wait_for_url("**/leaderboards/docs-perplexity/")
    expect(page.locator("h1")).to_have_text("Docs perplexity")
    rows = page.locator("main table tr:has(td)")
    expect(rows).to_have_count(2)
    for position, (slug, name) in enumerate((("tiny", "Tiny Llama"), ("other", "Other Llama"))):
        cells = rows.nth(position).locator("td")
        expect(cells.nth(0)).to_have_text(str(position + 1))
        expect(cells.nth(1)).to_have_text(name)
        expect(cells.nth(2)).to_have_text(board[slug].spec["precision"])  # resolved: the CPU runs float32
        expect(cells.nth(3)).to_contain_text(f"{expected[slug]:.4f}")
        expect(cells.nth(5)).to_contain_text(f"#{board[slug].pk}")

    chart = page.locator("#leaderboard-chart")
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    expect(chart.locator(".trace.bars .point")).to_have_count(2)
    expect(chart.locator(".xtick text")).to_have_text(["Tiny Llama", "Other Llama"])
    screenshot(page, "leaderboard")

    with page.expect_download() as download_info:
        page.click("main a:text-is('CSV')")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    lines = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    header, first, second = lines
    assert header[:10] == ["rank_group", "model", "model_name", "precision", "run", "fingerprint",
                          "perplexity", "perplexity_ci_low", "perplexity_ci_high", "perplexity_n"]
    row = dict(zip(header, first))
    assert (row["rank_group"], row["model"], row["model_name"]) == ("1", "tiny", "Tiny Llama")
    assert (row["run"], row["fingerprint"]) == (str(board["tiny"].pk), board["tiny"].fingerprint)
    assert float(row["perplexity"]) == pytest.approx(expected["tiny"])
    assert row["perplexity_n"] == "6"
    assert dict(zip(header, second))["model"] == "other"
