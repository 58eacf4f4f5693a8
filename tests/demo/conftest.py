"""Demo job fixtures: a var/ folder of the test's own, no broker, and demo training made cheap
(the six smallest training files, tiny shapes, short blocks) so the whole job runs in seconds."""
from __future__ import annotations

import pytest

from tests.evaluations.conftest import enqueued  # noqa: F401 (fixture used by name)


@pytest.fixture(autouse=True)
def demo_var(settings, tmp_path):
    """The demo's files, models, dataset uploads and device lock under the test's own folder."""
    var = tmp_path / "var"
    var.mkdir()
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = var / "media"
    settings.GLASSBOX_MODEL_ROOTS = [var]
    settings.GLASSBOX_DEVICE = "cpu"
    return var


@pytest.fixture(autouse=True)
def sent_jobs(monkeypatch) -> list[str]:
    """The demo jobs sent to the broker (one entry per message); no broker is involved."""
    from glassbox.site.demo import training

    sent: list[str] = []
    monkeypatch.setattr(training, "_send", lambda: sent.append(training.TASK))
    return sent


@pytest.fixture
def cheap_training(monkeypatch):
    from evaluators.demo import corpus as demo_corpus, models as demo_models

    small = sorted(demo_corpus.training_files(), key=lambda p: p.stat().st_size)[:6]
    monkeypatch.setattr(demo_corpus, "training_files", lambda: small)
    monkeypatch.setattr(demo_models, "SHAPES", {"base": (32, 2, 2, 64), "draft": (16, 1, 1, 32)})
    monkeypatch.setattr(demo_models, "BLOCK_SIZE", 32)
    # The demo's Medusa heads: a few self-distilled texts and steps.
    from glassbox.site.demo import medusa as demo_medusa

    monkeypatch.setattr(demo_medusa, "TEXTS", 4)
    monkeypatch.setattr(demo_medusa, "RECIPE", {**demo_medusa.RECIPE, "steps": 3, "prompt_tokens": 8,
                                                "block_size": 24})


@pytest.fixture
def written_states(monkeypatch) -> list[tuple[str, int]]:
    """(state, done) of every write of the demo job's state, every training step written."""
    from glassbox.site.demo import progress, training

    monkeypatch.setattr(training, "PROGRESS_INTERVAL_S", 0.0)
    states: list[tuple[str, int]] = []
    write = progress.write

    def recording_write(job, **changes):
        stored = write(job, **changes)
        states.append((stored.state, stored.done))
        return stored

    monkeypatch.setattr(progress, "write", recording_write)
    return states
