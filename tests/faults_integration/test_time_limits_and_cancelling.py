"""A run past GLASSBOX_RUN_TIME_LIMIT fails saying so and frees its worker for the next run; a run
cancelled while queued never starts. (Cancelling a running run: tests/integration.)"""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.integration.conftest import write_text_dataset

from . import drill

pytestmark = pytest.mark.integration

LIMIT_S = 10  # the smallest limit the setting accepts
PARAMS = {"batch_size": 1, "max_length": 32, "stride": 16}


def _seconds(status: dict) -> float:
    started, finished = (datetime.fromisoformat(status[key]) for key in ("started_at", "finished_at"))
    return (finished - started).total_seconds()


def test_a_run_past_its_time_limit_fails_clearly_and_the_worker_takes_the_next_one(embedded_stack, tmp_path,
                                                                                  records_compared):
    stack = embedded_stack
    drill.add_dataset(stack, "long", "text", write_text_dataset(tmp_path / "long.jsonl", documents=200))
    drill.add_dataset(stack, "short", "text", write_text_dataset(tmp_path / "short.jsonl", documents=6))
    slow = drill.queue(stack, "perplexity", "long", PARAMS)
    cancelled = drill.queue(stack, "perplexity", "long", PARAMS, force=True)
    after = drill.queue(stack, "perplexity", "short", PARAMS)
    # 200 documents at 0.2 s each take 40 s: four times the limit. Time limits need the prefork pool.
    stack.start_worker(pool="prefork", extra_env={"GLASSBOX_RUN_TIME_LIMIT": str(LIMIT_S),
                                                  "GLASSBOX_SAMPLE_DELAY_S": "0.2"})
    drill.wait_until(lambda: drill.status_of(stack, slow) == "running", 120, "the slow run to start")
    stack.manage("cancel_run", str(cancelled))
    assert drill.status_of(stack, cancelled) == "cancelled"

    status = drill.wait_until_finished(stack, slow, timeout=120)
    assert status["status"] == "failed"
    assert status["error"] == (f"the run took longer than its limit of {LIMIT_S} s (GLASSBOX_RUN_TIME_LIMIT); "
                               "try a smaller dataset or a faster worker")
    # Stopped at the limit (counted from the task's start, a moment before started_at), not at the
    # 40 s its documents need; on a loaded machine the limit can even strike before the first record.
    assert LIMIT_S - 3 <= _seconds(status) < LIMIT_S + 20
    assert status["progress"]["done"] < 200

    nxt = drill.wait_until_finished(stack, after, timeout=120)
    assert nxt["status"] == "succeeded", nxt["error"] + stack.logs()
    assert nxt["attempts"] == 1 and nxt["progress"]["done"] == 6
    assert datetime.fromisoformat(nxt["started_at"]) >= datetime.fromisoformat(status["finished_at"])
    never = stack.run_status(cancelled)
    assert (never["status"], never["attempts"], never["started_at"]) == ("cancelled", 0, None)
    records = stack.manage("shell", "-c", (
        "from glassbox.evaluations.models import SampleRecord as S; "
        f"print(sorted(S.objects.filter(run_id={after}).values_list('key', flat=True)))")).stdout
    assert records.strip().splitlines()[-1] == str(sorted(f"doc-{n}" for n in range(6)))
    records_compared(6)
