"""SIGKILL of the worker's pool process in the middle of a bias, a BBQ and a code-generation run:
each task is redelivered (acks_late, reject_on_worker_lost), resumes from its stored records and
ends with the numbers of an uninterrupted run from the command line, one record per row."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from evaluators import registry
from tests.bias.conftest import pair_rows
from tests.codegen.conftest import TASKS

from . import drill

pytestmark = pytest.mark.integration

BBQ = Path(__file__).resolve().parents[1] / "data" / "bbq" / "Religion.jsonl"

# evaluator -> (dataset kind, params for the run, the same as command-line options)
CASES = {
    "bias": ("bias_pairs", {"batch_size": 1}),          # groups of 4 pairs
    "bbq": ("bbq", {"batch_size": 3}),                 # groups of 2 examples
    "codegen": ("codegen", {"batch_size": 1, "max_new_tokens": 8}),  # greedy by default
}


def _datasets(folder: Path) -> dict[str, tuple[Path, list[str]]]:
    """Each evaluator's file and the keys of its rows (the ids the records must carry)."""
    bbq_lines = BBQ.read_text(encoding="utf-8").splitlines()[:6]
    (folder / "bbq.jsonl").write_text("\n".join(bbq_lines) + "\n", encoding="utf-8")
    return {
        "bias": (drill.write_jsonl(folder / "pairs.jsonl", pair_rows()), [row["id"] for row in pair_rows()]),
        "bbq": (folder / "bbq.jsonl", [str(n) for n in range(1, 7)]),  # no "id": the line number
        "codegen": (drill.write_jsonl(folder / "tasks.jsonl", TASKS), [task["id"] for task in TASKS]),
    }


def _kill_each_once_mid_run(stack, worker, runs: dict[str, int], totals: dict[str, int]) -> None:
    """Kill the pool process while a run has some but not all of its records, once per run."""
    killed: set[str] = set()
    deadline = time.monotonic() + 240
    while killed != set(runs):
        assert time.monotonic() < deadline, f"only {killed} were caught mid-run\n{stack.logs()}"
        for name, run_id in runs.items():
            if name not in killed and 1 <= drill.record_count(stack, run_id) < totals[name]:
                os.kill(drill.pool_child(worker), signal.SIGKILL)
                killed.add(name)
                time.sleep(1.0)  # let the main process start a new pool process before the next check
        time.sleep(0.05)


def test_a_killed_pool_process_is_redelivered_and_every_evaluator_resumes_to_the_same_numbers(
        redis_stack, tiny_model_root, tmp_path, records_compared):
    stack = redis_stack
    data = _datasets(tmp_path)
    runs = {}
    for name, (kind, params) in CASES.items():
        drill.add_dataset(stack, name, kind, data[name][0])
        runs[name] = drill.queue(stack, name, name, params)
    totals = {name: len(keys) for name, (_, keys) in data.items()}
    # Slow record writes widen the window in which a run is half done.
    worker = stack.start_worker(pool="prefork", extra_env={"GLASSBOX_SAMPLE_DELAY_S": "0.4"})
    _kill_each_once_mid_run(stack, worker, runs, totals)

    for name, run_id in runs.items():
        status = drill.wait_until_finished(stack, run_id)
        assert status["status"] == "succeeded", f"{name}: {status['error']}\n{stack.logs()}"
        assert status["attempts"] >= 2, f"{name} was not interrupted"
        keys = drill.stored_keys(stack, run_id)
        assert sorted(keys) == sorted(data[name][1]), f"{name}: a record lost or duplicated"
        records_compared(len(keys))

        expected = drill.cli(name, tiny_model_root / "tiny", data[name][0], **CASES[name][1])
        compared = 0
        for metric in registry.get(name).metrics:
            if expected.get(metric.name) is None:
                continue
            stored = status["metrics"][metric.name]
            assert stored["value"] == pytest.approx(expected[metric.name], rel=1e-9, abs=1e-12), (name, metric.name)
            if expected.get(f"{metric.name}_ci"):
                assert stored["ci"] == pytest.approx(expected[f"{metric.name}_ci"], rel=1e-9, abs=1e-12), name
            compared += 1
        assert compared >= 3, f"{name}: too few metrics to compare"
