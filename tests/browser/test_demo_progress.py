"""The home page follows the demo job: its percentage moves while the models train, with no reload,
and the page reloads by itself when the job is done (the demo runs are then on it)."""
from __future__ import annotations

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def demo_job(settings, tmp_path, transactional_db):
    """Writes the demo job's state as the worker would, under the test's own var/ folder."""
    from glassbox.site.demo import progress

    settings.VAR_DIR = tmp_path / "var"
    return lambda **fields: progress.write(progress.DemoJob(models_dir=str(tmp_path / "var" / "models"),
                                                            steps=1600, **fields))


def test_the_home_page_shows_the_training_percentage_as_it_moves(page, demo_job):
    demo_job(state="training", done=160)
    page.goto("/")
    expect(page.locator("#demo-label")).to_have_text("Training the demo models")
    expect(page.locator("#demo-percent")).to_have_text("10%")

    demo_job(state="training", done=880)  # the worker's next writes, seen by the page's poll
    expect(page.locator("#demo-percent")).to_have_text("55%")
    expect(page.locator("#demo-steps")).to_have_text("880 / 1600")
    expect(page.locator("#demo-bar")).to_have_attribute("style", "width: 55%;")
    screenshot(page, "home-demo-training")

    demo_job(state="done", done=1600)
    expect(page.locator("#demo-job")).to_have_count(0)
