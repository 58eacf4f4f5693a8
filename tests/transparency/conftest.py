"""Transparency fixtures: the FMTI files the tests read (tests/data/fmti), a fake embedder,
raters, and a suggestion queue that records audit ids instead of talking to a broker."""
from __future__ import annotations

from pathlib import Path

import pytest

FMTI = Path(__file__).resolve().parents[1] / "data" / "fmti"


@pytest.fixture
def fmti() -> Path:
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
