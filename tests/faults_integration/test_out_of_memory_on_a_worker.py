"""An out-of-memory error in the middle of a run on a real worker (injected on the CPU with
GLASSBOX_INJECT_OOM): the batch is halved, the run finishes, says so, and keeps the numbers."""
from __future__ import annotations

import pytest

from tests.integration.conftest import write_text_dataset

from . import drill

pytestmark = pytest.mark.integration

PARAMS = {"batch_size": 4, "max_length": 32, "stride": 16}


def test_a_run_that_runs_out_of_memory_halves_its_batch_and_says_so(embedded_stack, tiny_model_root, tmp_path):
    stack = embedded_stack
    data = write_text_dataset(tmp_path / "heldout.jsonl", documents=24)
    drill.add_dataset(stack, "heldout", "text", data)
    run_id = drill.queue(stack, "perplexity", "heldout", PARAMS)
    stack.start_worker(extra_env={"GLASSBOX_INJECT_OOM": "1"})  # the first scoring call of the worker

    status = drill.wait_until_finished(stack, run_id)
    assert status["status"] == "succeeded", status["error"] + stack.logs()
    assert status["summary"]["warnings"] == ["out of memory at batch size 4; continued at batch size 2"]
    assert status["progress"]["done"] == 24
    expected = drill.cli("perplexity", tiny_model_root / "tiny", data, **PARAMS)
    # Only padding differs between batch sizes: equal up to float rounding.
    for name in ("perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"):
        assert status["metrics"][name]["value"] == pytest.approx(expected[name], rel=1e-6), name
    assert "warnings" not in expected
