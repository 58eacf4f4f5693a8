"""The fault drills' slow worker is a test hook: production code never sleeps between samples."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_no_production_module_knows_the_sample_delay():
    sources = [*REPO.joinpath("workers").rglob("*.py"), *REPO.joinpath("platform").rglob("*.py"),
               *REPO.joinpath("evaluators").rglob("*.py")]
    test_settings = REPO / "platform" / "glassbox" / "config" / "settings" / "test.py"
    knowing = [path for path in sources if path != test_settings and "SAMPLE_DELAY" in path.read_text(encoding="utf-8")]
    assert sources and knowing == []


@pytest.mark.django_db
def test_a_drill_worker_sleeps_after_each_stored_sample(monkeypatch):
    from glassbox.evaluations import execution

    stored, slept = [], []
    monkeypatch.setattr(execution, "_write", lambda write, *args: stored.append(args))
    monkeypatch.setattr(execution._SampleWriter, "__call__", execution._SampleWriter.__call__)  # restored after
    monkeypatch.setenv("GLASSBOX_SAMPLE_DELAY_S", "0.25")
    monkeypatch.delitem(sys.modules, "tests.integration.slow_samples", raising=False)
    module = importlib.import_module("tests.integration.slow_samples")
    monkeypatch.setattr(module.time, "sleep", slept.append)

    execution._SampleWriter(5)("a", 0, {"x": 1})
    assert stored == [(5, "a", 0, {"x": 1})] and slept == [0.25]
