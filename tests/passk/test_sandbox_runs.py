"""Running many programs at once: order, callbacks on the caller's thread, parallelism, cancelling."""
import shutil
import threading
import time

import pytest

from evaluators.core.base import Cancelled
from evaluators.passk.sandbox import Outcome, run_programs
from tests.passk.test_sandbox_containment import assert_nothing_left, marked

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="bubblewrap is not installed (apt-get install bubblewrap)")

PASSES = "assert sum([1, 2]) == 3\n"
FAILS = "assert sum([1, 2]) == 4\n"
SLEEPS = "import time\ntime.sleep(0.5)\n"
LOOPS = "while True:\n    pass\n"


@pytest.mark.parametrize("sandbox", [True, False], ids=["sandboxed", "no-sandbox"])
def test_outcomes_come_back_in_input_order_with_on_done_on_the_callers_thread(sandbox):
    programs = [SLEEPS, PASSES, FAILS, "1 / 0\n", PASSES, SLEEPS]
    seen: list[tuple[int, str, threading.Thread]] = []
    outcomes = run_programs(programs, workers=2, sandbox=sandbox,
                            on_done=lambda index, outcome: seen.append((index, outcome.status, threading.current_thread())))
    assert [o.status for o in outcomes] == ["passed", "passed", "failed: AssertionError", "failed: ZeroDivisionError",
                                            "passed", "passed"]
    assert sorted(index for index, _, _ in seen) == list(range(6))
    assert {thread for _, _, thread in seen} == {threading.current_thread()}
    assert all(isinstance(o, Outcome) for o in outcomes)
    assert [index for index, _, _ in seen][:2] != [0, 5]  # the short ones finished while a sleeper ran


def test_programs_run_side_by_side():
    started = time.monotonic()
    outcomes = run_programs([SLEEPS] * 4, workers=4)
    assert [o.status for o in outcomes] == ["passed"] * 4
    assert time.monotonic() - started < 1.5  # four half-second sleeps, not two seconds one after another


def test_a_stop_kills_the_running_programs_and_raises_cancelled():
    asked = []

    def should_stop() -> bool:
        asked.append(time.monotonic())
        return len(asked) > 3  # the loops are running by the fourth look: the user cancels

    started, limits = time.monotonic(), marked(timeout_s=20)
    with pytest.raises(Cancelled):
        run_programs([PASSES, LOOPS, LOOPS] + [PASSES] * 10, limits, workers=2, should_stop=should_stop)
    assert time.monotonic() - started < 2  # the loops were killed, not waited for
    assert_nothing_left(limits)


def test_an_empty_list_runs_nothing():
    assert run_programs([]) == []
