"""Redis restarted while runs are queued and running, and PostgreSQL connections dropped while a
worker writes results: every run still finishes once, with the uninterrupted numbers."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from tests.integration.conftest import write_text_dataset

from . import drill

pytestmark = pytest.mark.integration

PARAMS = {"batch_size": 2, "max_length": 32, "stride": 16}
DOCUMENTS = 30
METRICS = ("perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte")


def _assert_uninterrupted_numbers(status: dict, expected: dict) -> None:
    for name in METRICS:
        assert status["metrics"][name]["value"] == pytest.approx(expected[name], rel=1e-9), name
    assert status["metrics"]["perplexity"]["ci"] == pytest.approx(expected["perplexity_ci"], rel=1e-9)


def _finished_once(stack, run_id: int, records_compared) -> dict:
    status = drill.wait_until_finished(stack, run_id)
    assert status["status"] == "succeeded", status["error"] + stack.logs()
    keys = drill.stored_keys(stack, run_id)
    assert sorted(keys) == sorted(f"doc-{n}" for n in range(DOCUMENTS)), "a record lost or duplicated"
    records_compared(len(keys))
    return status


def test_runs_queued_when_redis_restarts_are_sent_again_and_run_once(redis_stack, tiny_model_root, tmp_path,
                                                                     records_compared):
    stack = redis_stack
    data = write_text_dataset(tmp_path / "heldout.jsonl", documents=DOCUMENTS)
    drill.add_dataset(stack, "heldout", "text", data)
    running = drill.queue(stack, "perplexity", "heldout", PARAMS)
    waiting = [drill.queue(stack, "perplexity", "heldout", PARAMS, force=True) for _ in range(2)]
    stack.start_worker(extra_env={"GLASSBOX_SAMPLE_DELAY_S": "0.2"})
    drill.wait_until(lambda: drill.record_count(stack, running) >= 3, 120, "the first run to start")

    drill.restart_redis()  # without persistence: the two queued messages are gone

    first = _finished_once(stack, running, records_compared)
    assert first["attempts"] == 1, "the running task went on through the broker's restart"
    time.sleep(3)
    assert [drill.status_of(stack, run_id) for run_id in waiting] == ["queued", "queued"], \
        "the drill expects the broker to have lost the queued messages"

    # What beat's sweep does every minute, with a short period so the drill stays short.
    stack.env["GLASSBOX_STALE_RUN_SECONDS"] = "10"
    (newest,), = drill.sql(stack, "SELECT max(created_at) FROM evaluations_run")
    time.sleep(max(0.0, 11 - (datetime.now(timezone.utc) - newest).total_seconds()))
    swept = stack.manage("shell", "-c", "from glassbox.evaluations import services; "
                                        "print(services.requeue_stale_runs())").stdout
    assert sorted(int(n) for n in swept.strip().splitlines()[-1].strip("[]").split(",")) == sorted(waiting)

    expected = drill.cli("perplexity", tiny_model_root / "tiny", data, **PARAMS)
    for run_id in [running, *waiting]:
        status = _finished_once(stack, run_id, records_compared) if run_id != running else first
        assert status["attempts"] == 1, "a run started twice"
        _assert_uninterrupted_numbers(status, expected)


def test_a_worker_survives_its_database_connection_being_dropped_while_it_writes(redis_stack, tiny_model_root,
                                                                                 tmp_path, records_compared):
    stack = redis_stack
    data = write_text_dataset(tmp_path / "heldout.jsonl", documents=DOCUMENTS)
    drill.add_dataset(stack, "heldout", "text", data)
    run_id = drill.queue(stack, "perplexity", "heldout", PARAMS)
    stack.start_worker(extra_env={"GLASSBOX_SAMPLE_DELAY_S": "0.25"})
    drill.wait_until(lambda: drill.record_count(stack, run_id) >= 2, 120, "the run to start writing")

    dropped = 0
    for _ in range(3):
        dropped += drill.terminate_connections(stack)
        time.sleep(1.5)
    assert dropped >= 1 and drill.record_count(stack, run_id) < DOCUMENTS, "the drill missed the run"

    status = _finished_once(stack, run_id, records_compared)
    assert status["attempts"] == 1, "the task itself went on after each drop"
    assert "reconnecting once" in stack.logs()
    _assert_uninterrupted_numbers(status, drill.cli("perplexity", tiny_model_root / "tiny", data, **PARAMS))
