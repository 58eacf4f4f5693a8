"""Fixtures for the evaluator contract: the test-only echo_length package registered for one test
(and unregistered after, so the rest of the suite sees only the real evaluators), two tiny models
with different contexts, and the run fixtures of tests/evaluations."""
from __future__ import annotations

import importlib
import sys

import pytest

from tests.evaluations.conftest import enqueued, private_storage, tiny_model_dir  # noqa: F401 (fixtures)

PACKAGE = "tests.contract.echo_length"


@pytest.fixture
def echo_length():
    """Import the package (its import registers the evaluator and its dataset kind); undo after."""
    from evaluators.core import registry
    from evaluators.core.datasets import SCHEMAS

    evaluators, kinds = dict(registry._EVALUATORS), dict(SCHEMAS)
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    module = importlib.import_module(PACKAGE)
    yield module
    registry._EVALUATORS.clear()
    registry._EVALUATORS.update(evaluators)
    SCHEMAS.clear()
    SCHEMAS.update(kinds)


@pytest.fixture(scope="session")
def short_model_dir(tmp_path_factory):
    from evaluators.demo.models import build_tiny_model

    # The same tokenizer as the tiny model, but a context of 8 tokens: it holds less of each line.
    return build_tiny_model(tmp_path_factory.mktemp("contract-models") / "short", seed=1, context_length=8)
