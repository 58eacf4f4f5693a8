"""Fixtures for the code-metric tests: the `codebleu` package in its own virtualenv."""
from __future__ import annotations

import pytest

from .refenv import reference_python


@pytest.fixture(scope="session")
def package_python():
    """Return the reference venv's python (built once and cached), or skip when it cannot be built."""
    python = reference_python()
    if python is None:
        pytest.skip("the codebleu package's virtualenv could not be built (no network?); "
                    "comparisons against it are skipped, hand-computed tests still run")
    return python
