"""The home page shows the demo job's percentage while it trains, and a JSON view for polling."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def write_job(var, **fields):
    from glassbox.site.demo import progress

    return progress.write(progress.DemoJob(models_dir=str(var / "models"), **fields))


def test_the_home_page_shows_the_training_percentage(client, demo_var):
    write_job(demo_var, state="training", steps=1600, done=672)
    page = client.get("/").content.decode()
    assert "Training the demo models" in page
    assert '<span id="demo-percent">42%</span>' in page  # 672 of 1600 steps, rounded down
    assert "672 / 1600" in page
    assert 'style="width: 42%"' in page
    assert "/demo/progress.json" in page, "the page polls the job while it trains"


def test_the_progress_view_reports_the_job_without_its_paths(client, demo_var):
    write_job(demo_var, state="training", steps=1600, done=1599)
    data = client.get("/demo/progress.json").json()
    assert data == {"state": "training", "label": "Training the demo models", "done": 1599, "steps": 1600,
                    "percent": 99, "in_flight": True, "error": ""}


def test_a_queued_job_says_it_waits_for_a_worker(client, demo_var):
    write_job(demo_var, state="queued", steps=1600)
    page = client.get("/").content.decode()
    assert "Waiting for a worker to train the demo models" in page
    assert '<span id="demo-percent">0%</span>' in page


def test_the_demo_section_is_gone_once_the_job_is_done(client, demo_var):
    write_job(demo_var, state="done", steps=1600, done=1600)
    page = client.get("/").content.decode()
    assert 'id="demo-job"' not in page and "/demo/progress.json" not in page


def test_without_a_demo_job_the_home_page_has_no_demo_section(client, demo_var):
    assert 'id="demo-job"' not in client.get("/").content.decode()
    assert client.get("/demo/progress.json").json() == {"state": None}


def test_an_unreadable_state_file_counts_as_no_job(client, demo_var):
    from glassbox.site.demo import progress

    progress.state_path().parent.mkdir(parents=True)
    progress.state_path().write_text("{not json")
    assert progress.read() is None
    assert client.get("/").status_code == 200
