"""Transparency fixtures: the FMTI files beside the clone (../shared/fmti), a fake embedder,
raters, and a suggestion queue that records audit ids instead of talking to a broker."""
from __future__ import annotations

from pathlib import Path

import pytest

FMTI = Path(__file__).resolve().parents[2].parent / "shared" / "fmti"


@pytest.fixture
def fmti() -> Path:
    if not (FMTI / "fmti-indicators.csv").exists():
        pytest.skip("the FMTI files are not beside this clone (../shared/fmti)")
    return FMTI


@pytest.fixture
def fake_embedder():
    from evaluators.transparency.embedding import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture(autouse=True)
def queued_suggestions(monkeypatch) -> list[int]:
    from glassbox.transparency import services

    sent: list[int] = []
    monkeypatch.setattr(services, "enqueue_suggestions", sent.append)
    return sent
