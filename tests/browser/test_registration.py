"""A contributor signs in, registers a local model and uploads a dataset through the site's forms."""
from __future__ import annotations

import hashlib
import json
import re

import pytest

from tests.evaluations.conftest import DOCUMENTS, write_jsonl

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _stored_parameters(folder) -> int:
    """Count the elements of every tensor in the folder's safetensors files, read directly."""
    from safetensors import safe_open

    total = 0
    for file in folder.glob("*.safetensors"):
        with safe_open(str(file), framework="pt") as weights:
            for name in weights.keys():
                total += _numel(weights.get_slice(name).get_shape())
    return total


def _numel(shape: list[int]) -> int:
    count = 1
    for size in shape:
        count *= size
    return count


def _row(page, label: str):
    return page.locator("table tr", has=page.locator(f"th:text-is('{label}')")).locator("td")


def test_a_contributor_registers_a_local_model(page, contributor, model_dir):
    page.goto("/models/register/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/models/register/$"))  # anonymous: asked to sign in first
    log_in(page, contributor, "/models/register/")
    page.fill("#id_name", "Browser Llama")
    page.fill("#id_source", str(model_dir))
    page.fill("#id_tags", "tiny, browser")
    page.click("button:has-text('Register')")

    page.wait_for_url("**/models/browser-llama/")
    expect(page.locator(".messages")).to_contain_text("Registered Browser Llama.")
    expect(page.locator("h1")).to_have_text("Browser Llama")
    config = json.loads((model_dir / "config.json").read_text())
    expect(_row(page, "Source")).to_contain_text("<models>/tiny")  # a contributor sees no server path
    expect(_row(page, "Architecture")).to_have_text(config["architectures"][0])
    expect(_row(page, "Parameters")).to_have_text(str(_stored_parameters(model_dir)))
    expect(_row(page, "Context length")).to_have_text(str(config["max_position_embeddings"]))
    expect(_row(page, "Tags")).to_have_text("tiny, browser")
    screenshot(page, "model")


def test_a_contributor_uploads_a_dataset(page, contributor, tmp_path):
    data = write_jsonl(tmp_path / "browser-docs.jsonl", DOCUMENTS)
    log_in(page, contributor, "/datasets/new/")
    page.fill("#id_name", "Browser docs")
    page.select_option("#id_kind", "text")
    page.set_input_files("#id_file", str(data))
    page.fill("#id_note", "six short documents")
    page.click("button:has-text('Upload')")

    page.wait_for_url("**/datasets/browser-docs/v1/")
    expect(page.locator(".messages")).to_contain_text(f"Created Browser docs with {len(DOCUMENTS)} rows.")
    expect(_row(page, "Rows")).to_have_text(str(len(DOCUMENTS)))
    expect(_row(page, "SHA-256")).to_have_text(hashlib.sha256(data.read_bytes()).hexdigest())
    preview = page.locator("table").nth(1).locator("tbody tr")
    expect(preview).to_have_count(len(DOCUMENTS))
    expect(preview.nth(1)).to_contain_text(DOCUMENTS[1]["text"])

    page.click("h1 a")  # the dataset's own page: versions and schema
    page.wait_for_url("**/datasets/browser-docs/")
    expect(page.locator("h1")).to_contain_text("Browser docs")
    expect(page.locator("table").first.locator("tbody tr")).to_have_count(1)
    expect(page.locator("table").first).to_contain_text("six short documents")
    screenshot(page, "dataset")
