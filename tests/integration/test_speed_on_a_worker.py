"""A speed run on real workers: it waits for the device while another evaluation holds it, then
measures alone and stores its variants."""
from __future__ import annotations

import json
import time

import pytest

from .conftest import write_text_dataset

pytestmark = pytest.mark.integration


def _start(stack, evaluator: str, dataset: str, params: dict) -> dict:
    return json.loads(stack.manage("start_run", evaluator, "--model", "tiny", "--dataset", dataset,
                                   "--params", json.dumps(params), "--json").stdout)


def test_a_speed_run_waits_for_the_device_and_then_measures_alone(redis_stack, tmp_path):
    stack = redis_stack
    text = write_text_dataset(tmp_path / "heldout.jsonl", documents=40)
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text("".join(json.dumps({"id": f"p{i}", "prompt": f"def f{i}(x):\n    return x"}) + "\n"
                               for i in range(3)), encoding="utf-8")
    stack.manage("add_dataset", "--name", "Held-out", "--slug", "heldout", "--kind", "text", str(text))
    stack.manage("add_dataset", "--name", "Prompts", "--slug", "prompts", "--kind", "prompts", str(prompts))
    # Two workers on one machine: the slow perplexity run holds the device (shared) first.
    perplexity = _start(stack, "perplexity", "heldout", {"batch_size": 1, "max_length": 32, "stride": 16})
    stack.start_worker(extra_env={"GLASSBOX_SAMPLE_DELAY_S": "0.3"})
    stack.wait_for(perplexity["id"], lambda s: s["status"] == "running" and s["progress"]["done"] >= 2,
                   timeout=120, interval=0.3)
    speed = _start(stack, "speed", "prompts", {"variants": "greedy,prompt-lookup", "max_new_tokens": 8,
                                               "fixed_length": True, "warmup": 1, "min_repeats": 2,
                                               "min_seconds": 0.0})
    second = stack.start_worker()
    log = stack.var_dir / f"worker-{len(stack.workers) - 1}.log"
    deadline = time.monotonic() + 120
    while "received" not in log.read_text() and second.poll() is None and time.monotonic() < deadline:
        time.sleep(0.3)
    # The second worker is up and has received the speed run while the device is still busy.
    assert second.poll() is None and "received" in log.read_text(), stack.logs()
    assert stack.run_status(perplexity["id"])["status"] == "running", "the test needs an overlap"
    assert stack.run_status(speed["id"])["status"] == "queued"

    first = stack.wait_until_finished(perplexity["id"])
    status = stack.wait_until_finished(speed["id"])
    assert first["status"] == "succeeded", first["error"] + stack.logs()
    assert status["status"] == "succeeded", status["error"] + stack.logs()
    # The speed run began only once the perplexity run had released the device.
    assert status["started_at"] >= first["finished_at"], (status["started_at"], first["finished_at"])
    variants = status["summary"]["variants"]
    assert [(v["name"], v["batch_size"]) for v in variants] == [("greedy", 1), ("prompt-lookup", 1)]
    assert variants[1]["identical_to_greedy"] is True
    assert all(v["mean_output_tokens"] == 8 for v in variants)
    assert status["metrics"]["output_tokens_per_s"]["value"] == pytest.approx(variants[0]["output_tokens_per_s"])
    assert status["progress"]["percent"] == 100
