"""The platform under load, in short: 8 API clients create runs and read leaderboards while two
real workers write results (bench/api_load_bench.py for 20 s): no error, no lost, failed or stuck run."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def test_no_run_is_lost_and_no_request_fails_under_load():
    result = subprocess.run([sys.executable, "bench/api_load_bench.py", "--seconds", "20", "--run-every", "6"],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr[-3000:]
    assert result.returncode == 0, output
    assert re.search(r"8 clients for \d+ s: \d+ requests \(\d+/s\), 0 errors", result.stdout), output
    created = re.search(r"runs created (\d+): \{'succeeded': (\d+)\}", result.stdout)
    assert created and int(created.group(1)) == int(created.group(2)) >= 8, output
    print(result.stdout)
