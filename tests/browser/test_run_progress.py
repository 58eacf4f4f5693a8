"""A contributor starts a perplexity run from the "New evaluation" form and watches its page reach 100%.

The site's queue is replaced by a list (conftest `enqueued`); once the run page shows the queued
run, the test plays the worker: `glassbox.evaluations.execution.execute` in a thread, as a Celery
task would.
The page was loaded before the run started, so only its progress poll can bring it to 100%.
"""
from __future__ import annotations

import threading

import pytest
from django.template.defaultfilters import floatformat

from tests.evaluations.conftest import DOCUMENTS

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

RUN_TIMEOUT_MS = 90_000


@pytest.fixture
def text_version(tmp_path):
    from glassbox.registry.services import create_dataset_with_version
    from tests.evaluations.conftest import write_jsonl

    return create_dataset_with_version(name="Docs", slug="docs", kind="text",
                                       uploaded_file_or_path=write_jsonl(tmp_path / "docs.jsonl", DOCUMENTS),
                                       original_name="docs.jsonl")


@pytest.fixture
def tiny(model_dir, contributor):
    from glassbox.registry.services import register_model

    return register_model(name="Tiny Llama", slug="tiny", source=str(model_dir), owner=contributor)


def start_worker(run_id: int, live_server) -> tuple[threading.Thread, list[BaseException]]:
    """Execute the run on a thread, sharing the live server's in-memory SQLite connection if it has one."""
    from django.db import connections

    from glassbox.evaluations.execution import execute

    shared = live_server.thread.connections_override
    errors: list[BaseException] = []

    def work() -> None:
        for alias, connection in shared.items():
            connections[alias] = connection  # a new connection to an in-memory database would see an empty one
        try:
            execute(run_id)
        except BaseException as error:  # noqa: BLE001 (reported to the test thread)
            errors.append(error)
        finally:
            if not shared:
                connections.close_all()

    thread = threading.Thread(target=work, name=f"run-{run_id}", daemon=True)
    thread.start()
    return thread, errors


def test_a_run_started_from_the_form_reaches_100_percent(page, live_server, contributor, tiny, text_version,
                                                         enqueued):
    from glassbox.evaluations.models import Run

    log_in(page, contributor)
    page.click("main >> text=New evaluation")
    page.wait_for_url("**/runs/new/")
    page.select_option("#id_evaluator", "perplexity")
    page.select_option("#id_model", label=str(tiny))
    page.select_option("#id_dataset_version", label=str(text_version))
    page.fill("#id_params", '{"batch_size": 2}')
    page.click("button:has-text('Queue evaluation')")

    page.wait_for_url("**/runs/*/")
    run = Run.objects.get()
    assert enqueued == [run.pk] and page.url.endswith(f"/runs/{run.pk}/")
    expect(page.locator("#status")).to_have_text("queued")
    expect(page.locator("#progress")).to_have_text(f"0 / {len(DOCUMENTS)} samples (0%)")

    thread, errors = start_worker(run.pk, live_server)
    expect(page.locator("#progress")).to_have_text(f"{len(DOCUMENTS)} / {len(DOCUMENTS)} samples (100%)",
                                                   timeout=RUN_TIMEOUT_MS)
    expect(page.locator("#status")).to_have_text("succeeded", timeout=RUN_TIMEOUT_MS)
    thread.join(timeout=RUN_TIMEOUT_MS / 1000)
    assert not thread.is_alive() and not errors, errors

    # After the poll sees the end it reloads: the metrics table holds what the run stored, n = every document.
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED, run.error
    perplexity = run.metrics.get(name="perplexity")
    row = page.locator("table").first.locator("tbody tr", has=page.locator("td:text-is('perplexity')"))
    expect(row.locator("td").nth(1)).to_have_text(floatformat(perplexity.value, 4))
    expect(row.locator("td").nth(4)).to_have_text(str(len(DOCUMENTS)))
    expect(row.locator("td").nth(5)).to_have_text("lower is better")
    expect(page.locator("#bar")).to_have_attribute("style", "width: 100%")
    screenshot(page, "run")

    page.click("header >> text=Glassbox")
    recent = page.locator("#recent + table tbody tr").first
    expect(recent).to_contain_text(f"#{run.pk}")
    expect(recent.locator(".status")).to_have_text("succeeded")
    expect(recent).to_contain_text("100%")
    screenshot(page, "home")
