"""pass@k fixtures: HumanEval's problems as shipped in the repository, and a skip where no sandbox
can be built (CI installs bubblewrap, so there every test here runs)."""
from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

HUMANEVAL = Path(__file__).resolve().parents[2] / "evaluators" / "data" / "humaneval" / "HumanEval.jsonl.gz"


@pytest.fixture(scope="session")
def humaneval() -> list[dict]:
    with gzip.open(HUMANEVAL, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def sandbox_ready() -> None:
    from evaluators.passk.sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox()
    except SandboxUnavailable as error:
        # CI installs bubblewrap and sets GLASSBOX_REQUIRE_SANDBOX=1: there a missing sandbox fails.
        if os.environ.get("GLASSBOX_REQUIRE_SANDBOX") == "1":
            pytest.fail(f"GLASSBOX_REQUIRE_SANDBOX=1 but no sandbox can be built: {error}")
        pytest.skip(f"no sandbox on this machine: {error}")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path
