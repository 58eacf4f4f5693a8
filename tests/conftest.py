"""Shared fixtures. Tests never reach the network: hub access is switched off here. Nor do they
read outside the repository: every file the run opens is checked (tests/reads_outside.py)."""
import os
import sys

import pytest

from tests.reads_outside import OutsideReads, default_roots
from tests.services import unreachable_services

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

OUTSIDE = OutsideReads(default_roots(), home=os.path.expanduser("~"))
sys.addaudithook(OUTSIDE.hook)  # for the whole process: an audit hook cannot be removed


def needs_postgres_and_redis(item: pytest.Item) -> bool:
    """Return whether a test runs on the PostgreSQL + Redis stack (tests/integration/conftest.py)."""
    params = getattr(item, "callspec", None)
    return item.get_closest_marker("integration") is not None and params is not None and \
        "postgres_redis" in params.params.values()


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:
        return
    if any(needs_postgres_and_redis(item) for item in session.items):
        message = unreachable_services()
        if message:
            pytest.exit(message, returncode=pytest.ExitCode.USAGE_ERROR)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if OUTSIDE.paths:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    if OUTSIDE.paths:
        terminalreporter.section("files opened outside the repository", red=True)
        terminalreporter.write_line("A clone has nothing beside it: carry what the tests need in tests/data/.")
        for path in sorted(OUTSIDE.paths)[:40]:
            terminalreporter.write_line(path)
