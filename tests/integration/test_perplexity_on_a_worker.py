"""Perplexity through the whole spine: commands queue a run, a real worker computes it,
and the stored numbers equal the command-line evaluator's."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from .conftest import cli_perplexity, write_text_dataset

pytestmark = pytest.mark.integration

METRICS = ("perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte")


def _queue(stack, data, params: dict, *, force: bool = False) -> dict:
    stack.manage("add_dataset", "--name", "Held-out code", "--slug", "heldout", "--kind", "text", str(data))
    args = ["start_run", "perplexity", "--model", "tiny", "--dataset", "heldout", "--params", json.dumps(params),
            "--json"]
    return json.loads(stack.manage(*args, *(["--force"] if force else [])).stdout)


def _assert_same_numbers(status: dict, expected: dict) -> None:
    for name in METRICS:
        assert status["metrics"][name]["value"] == pytest.approx(expected[name], rel=1e-9), name
    assert status["metrics"]["perplexity"]["ci"] == pytest.approx(expected["perplexity_ci"], rel=1e-9)
    assert status["metrics"]["bits_per_byte"]["ci"] == pytest.approx(expected["bits_per_byte_ci"], rel=1e-9)
    for name in ("tokens", "words", "bytes", "documents"):
        assert status["summary"][name] == expected[name], name


def test_a_worker_computes_the_same_perplexity_as_the_command_line(stack, tiny_model_root, tmp_path):
    data = write_text_dataset(tmp_path / "heldout.jsonl", documents=24)
    run = _queue(stack, data, {"batch_size": 4, "max_length": 32, "stride": 16})
    assert run["status"] == "queued"
    stack.start_worker()
    status = stack.wait_until_finished(run["id"])
    assert status["status"] == "succeeded", status["error"] + stack.logs()
    assert status["progress"] == {"done": 24, "total": 24, "percent": 100}
    assert status["environment"]["device"] == "cpu"
    assert {"torch", "transformers", "evaluators"} <= set(status["environment"])

    expected = cli_perplexity(tiny_model_root / "tiny", data, batch_size=4, max_length=32, stride=16)
    _assert_same_numbers(status, expected)

    again = _queue(stack, data, {"stride": 16, "max_length": 32, "batch_size": 4})
    assert again["id"] == run["id"], "an equal finished run is reused"
    forced = _queue(stack, data, {"batch_size": 4, "max_length": 32, "stride": 16}, force=True)
    assert forced["id"] != run["id"]


def _pool_child(worker: subprocess.Popen) -> int:
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
    assert children, "the prefork worker has no pool process"
    return int(children[0])


def test_a_killed_worker_process_is_redelivered_and_resumes_where_it_stopped(redis_stack, tiny_model_root,
                                                                              tmp_path):
    stack = redis_stack
    data = write_text_dataset(tmp_path / "heldout.jsonl", documents=40)
    run = _queue(stack, data, {"batch_size": 2, "max_length": 32, "stride": 16})
    worker = stack.start_worker(pool="prefork", extra_env={"GLASSBOX_SAMPLE_DELAY_S": "0.15"})
    stack.wait_for(run["id"], lambda s: 6 <= s["progress"]["done"] < 30, timeout=120, interval=0.3)
    os.kill(_pool_child(worker), signal.SIGKILL)

    status = stack.wait_until_finished(run["id"])
    assert status["status"] == "succeeded", status["error"] + stack.logs()
    assert status["attempts"] >= 2
    records = json.loads(stack.manage("shell", "-c", (
        "import json; from glassbox.evaluations.models import SampleRecord as S; "
        f"print(json.dumps(list(S.objects.filter(run_id={run['id']}).values_list('key', flat=True))))"))
                         .stdout.strip().splitlines()[-1])
    assert sorted(records) == sorted(f"doc-{n}" for n in range(40)), "no record lost or duplicated"
    expected = cli_perplexity(tiny_model_root / "tiny", data, batch_size=2, max_length=32, stride=16)
    _assert_same_numbers(status, expected)


def test_a_run_whose_worker_vanished_is_queued_again_and_resumes(embedded_stack, tiny_model_root, tmp_path):
    stack = embedded_stack
    data = write_text_dataset(tmp_path / "heldout.jsonl", documents=40)
    run = _queue(stack, data, {"batch_size": 2, "max_length": 32, "stride": 16})
    slow = {"GLASSBOX_SAMPLE_DELAY_S": "0.15"}
    worker = stack.start_worker(extra_env=slow)
    stack.wait_for(run["id"], lambda s: 6 <= s["progress"]["done"] < 30, timeout=120, interval=0.3)
    os.killpg(worker.pid, signal.SIGKILL)  # the whole worker: the filesystem broker will not redeliver
    worker.wait()
    done_before = stack.run_status(run["id"])["progress"]["done"]

    time.sleep(2)
    stack.env["GLASSBOX_STALE_RUN_SECONDS"] = "10"
    assert stack.run_status(run["id"])["status"] == "running"  # with a heartbeat that is getting old
    time.sleep(9)
    requeued = stack.manage("shell", "-c", "from glassbox.evaluations import services; "
                                           "print(services.requeue_stale_runs())").stdout
    assert str(run["id"]) in requeued
    stack.start_worker()
    status = stack.wait_until_finished(run["id"])
    assert status["status"] == "succeeded", status["error"] + stack.logs()
    assert status["attempts"] >= 2 and done_before >= 6
    expected = cli_perplexity(tiny_model_root / "tiny", data, batch_size=2, max_length=32, stride=16)
    _assert_same_numbers(status, expected)


def test_cancelling_a_running_run_stops_it_within_seconds(embedded_stack, tmp_path):
    stack = embedded_stack
    data = write_text_dataset(tmp_path / "heldout.jsonl", documents=200)
    run = _queue(stack, data, {"batch_size": 1, "max_length": 32, "stride": 16})
    stack.start_worker(extra_env={"GLASSBOX_SAMPLE_DELAY_S": "0.1"})
    stack.wait_for(run["id"], lambda s: s["progress"]["done"] >= 3, timeout=120, interval=0.3)
    asked = time.monotonic()
    stack.manage("cancel_run", str(run["id"]))
    status = stack.wait_until_finished(run["id"], timeout=30)
    assert status["status"] == "cancelled"
    assert time.monotonic() - asked < 10
    assert status["progress"]["done"] < 200
