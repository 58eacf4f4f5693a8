"""Fault drills on real processes: the integration fixtures (embedded and PostgreSQL + Redis stacks),
a tiny model with room for longer sentences, and the figures report written at the end of the session.
Every test in this folder is one fault scenario; it survived when it passed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluators.demo.models import build_tiny_model
from tests.integration.conftest import embedded_stack, redis_stack  # noqa: F401 (fixtures used by name)
from tests.integration.stack import REPO

from . import figures

# Bias pairs take many tokens with the tiny model's tokenizer (see tests/bias/conftest.py).
TINY_CONTEXT = 512
REPORT = REPO / "var" / "fault-report.json"


@pytest.fixture(scope="session")
def tiny_model_root(tmp_path_factory) -> Path:
    """Overrides the integration fixture of the same name: one model for every evaluator here."""
    root = tmp_path_factory.mktemp("fault-models")
    build_tiny_model(root / "tiny", seed=0, context_length=TINY_CONTEXT)
    return root


@pytest.fixture
def records_compared():
    """Call with the number of stored records a test checked against an independent expectation."""
    return figures.add_records


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # A scenario whose stack could not even start counts as run and not survived.
    if "faults_integration" in report.nodeid and (report.when == "call" or report.failed and report.when == "setup"):
        figures.scenario_finished(passed=report.passed)


def pytest_terminal_summary(terminalreporter) -> None:
    if not figures.FIGURES["scenarios_run"]:
        return
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(figures.FIGURES, indent=2) + "\n", encoding="utf-8")
    terminalreporter.write_line(figures.summary_line())
