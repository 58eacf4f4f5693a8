"""Run untrusted programs (a model's completions and their tests) in a bubblewrap sandbox.

Each program gets a sandbox of its own (bubblewrap.sandbox_command says why each argument is there):
  - its own user, PID, network, IPC and UTS namespaces: no route out (only its own loopback),
    its processes die with it, and it can neither see nor signal anything of the host;
  - a filesystem of /usr only, read-only (the interpreter and its standard library), a private
    /proc, a minimal read-only /dev, the program read-only, and a size-capped tmpfs /tmp as its
    working and home folder. / itself is empty and read-only: no /etc, /home, /root, repository;
  - an empty environment but PATH, HOME, TMPDIR and LANG: no DATABASE_URL, no secret key;
  - limits on CPU seconds, address space, file size, open files and processes, set by the
    runner before the program starts (programs.RUNNER), and a wall-clock timeout that kills the
    sandbox's init, and with it every process inside (processes.kill_sandbox). Should the worker
    itself die, setpriv's parent-death signal takes bwrap, and bwrap's (--die-with-parent) the rest.

The interpreter is the worker's own base Python when it lives under /usr (python.org's Docker
images: /usr/local/bin), else the system's /usr/bin/python3, so that binding /usr is enough. A
Python elsewhere (pyenv under /root, a home folder) is not bound: the sandbox's uid could not
read it, and it would show part of a home folder. The venv is never bound, and the runner starts
with -I -S: programs get the standard library only, as HumanEval's do.

Process limit: RLIMIT_NPROC does not apply to root, so a root worker runs each sandbox running
at once under an unprivileged host uid of its own (processes.UID_BASE + slot, through setpriv).
A worker that is not root runs bwrap as itself, with --unshare-user. Either way the runner sets
the limit inside the sandbox's user namespace, where Linux (>= 5.14) counts that namespace's
processes only: a fork bomb stops at Limits.processes, and the worker's own threads neither
count against it nor get starved by it. (Older kernels counted every process of the uid: for a
worker that is not root, the PID namespace and the timeout were then what ended a fork bomb.)
"""
from __future__ import annotations

import contextlib
import math
import os
import secrets
import subprocess
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Callable

from ..core.base import Cancelled, EvaluationError
from . import bubblewrap
from .programs import PASSED, build_program, decide_status, started  # noqa: F401 (build_program: part of this API)
from .processes import STOP_POLL_S, Finished, kill_group, kill_sandbox, uid_for_a_program, watch

# Outcome.stderr_tail keeps this many characters of the captured stderr: a traceback's worth,
# so that per-sample records stay small in a run of thousands of samples.
STDERR_TAIL_CHARS = 2000
INSTALL_HELP = ("Install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces "
                "(sysctl kernel.unprivileged_userns_clone=1 where it exists, user.max_user_namespaces > 0; "
                "in a container, a seccomp or AppArmor profile that permits them).")


@dataclass(frozen=True)
class Limits:
    """What one program may use. Defaults fit HumanEval, whose programs need milliseconds and megabytes."""

    timeout_s: float = 3.0
    """Wall clock from start to kill, sandbox start-up included."""
    cpu_s: int | None = None
    """RLIMIT_CPU; None means the timeout rounded up, plus one second. Threads can use CPU faster
    than the clock runs: this limit is the timeout for a program that does."""
    memory_bytes: int = 1 << 30
    """RLIMIT_AS: address space of each process."""
    file_bytes: int = 16 << 20
    """RLIMIT_FSIZE, and the size of the sandbox's /tmp (all its files together: tmpfs is memory)."""
    open_files: int = 64
    """RLIMIT_NOFILE."""
    processes: int = 16
    """RLIMIT_NPROC, threads included; the sandbox's init and the program's process count as two."""
    output_bytes: int = 64 * 1024
    """The first this many bytes of stderr are kept; the rest is read and dropped. stdout goes to
    /dev/null: an outcome is the runner's report, and the programs' prints are not scored."""

    def __post_init__(self) -> None:
        if self.cpu_s is None:
            object.__setattr__(self, "cpu_s", math.ceil(self.timeout_s) + 1)
        for name in ("timeout_s", "cpu_s", "memory_bytes", "file_bytes", "open_files", "processes", "output_bytes"):
            if not getattr(self, name) > 0:
                raise ValueError(f"Limits.{name} must be above 0, got {getattr(self, name)!r}")

    def rlimits(self) -> list[str]:
        """Return the runner's NAME=soft:hard arguments (programs.RUNNER sets them)."""
        return [f"RLIMIT_CPU={self.cpu_s}:{self.cpu_s + 1}",  # SIGXCPU at soft; SIGKILL should it be ignored
                f"RLIMIT_AS={self.memory_bytes}:{self.memory_bytes}",
                f"RLIMIT_FSIZE={self.file_bytes}:{self.file_bytes}",
                f"RLIMIT_NOFILE={self.open_files}:{self.open_files}",
                f"RLIMIT_NPROC={self.processes}:{self.processes}",
                "RLIMIT_CORE=0:0"]  # a crash must not hand a core file to the host's dump handler


@dataclass(frozen=True)
class Outcome:
    """How one program ended."""

    status: str
    """"passed", "failed: <ExceptionType>" (or "failed: exited early", "failed: killed by
    SIGNAME"), "timed out" or "out of memory"."""
    stderr_tail: str
    """The last STDERR_TAIL_CHARS of the captured stderr, "" when none."""
    seconds: float
    """Wall time of this program, sandbox start-up included."""


class SandboxUnavailable(RuntimeError):
    """No sandbox can be built on this machine; the message says what failed and how to fix it."""


_sandbox_works = False


def check_sandbox() -> None:
    """Raise SandboxUnavailable unless a program runs in the sandbox here (tried once per process)."""
    global _sandbox_works
    if _sandbox_works:
        return
    if bubblewrap.bwrap_path() is None:
        raise SandboxUnavailable(f"bwrap (bubblewrap) is not installed. {INSTALL_HELP}")
    if bubblewrap.setpriv_path() is None:
        raise SandboxUnavailable("setpriv is not installed: apt-get install util-linux")
    if bubblewrap.sandbox_python() is None:
        raise SandboxUnavailable(f"no Python under /usr for the sandbox (the worker's {bubblewrap.plain_python()} "
                                 "is elsewhere and /usr/bin/python3 is missing): apt-get install python3-minimal")
    outcome = _run("pass\n", Limits(timeout_s=30), sandbox=True, stop=None)  # 30 s: a cold start on a busy host
    if outcome.status != PASSED:
        raise SandboxUnavailable(f"an empty program ended '{outcome.status}' in the sandbox "
                                 f"({outcome.stderr_tail.strip() or 'no output'}). {INSTALL_HELP}")
    _sandbox_works = True


def run_program(program: str, limits: Limits = Limits(), *, sandbox: bool = True) -> Outcome:
    """Return how the program ended, run in a sandbox of its own; sandbox=False runs it as a plain
    subprocess with the same limits (the CLI's --no-sandbox: a trusted laptop only)."""
    if sandbox:
        check_sandbox()
    return _run(program, limits, sandbox=sandbox, stop=None)


def run_programs(programs: list[str], limits: Limits = Limits(), *, workers: int | None = None,
                 sandbox: bool = True, on_done: Callable[[int, Outcome], None] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> list[Outcome]:
    """Return each program's outcome, in input order, running `workers` (default: all cores) at once.

    on_done(index, outcome) and should_stop() are called on the caller's thread, where a Django
    connection or a task's state lives: on_done as each program finishes, should_stop between
    programs and every STOP_POLL_S while they run. When it says yes, the programs still running
    are killed (within STOP_POLL_S) and Cancelled is raised.
    """
    if sandbox:
        check_sandbox()
    workers = workers or os.cpu_count() or 1
    outcomes: list[Outcome | None] = [None] * len(programs)
    queued = iter(enumerate(programs))
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sandbox") as pool:
        running: dict[Future, int] = {}
        try:
            while True:
                if should_stop is not None and should_stop():
                    raise Cancelled()
                while len(running) < workers and (item := next(queued, None)) is not None:
                    running[pool.submit(_run, item[1], limits, sandbox=sandbox, stop=stop)] = item[0]
                if not running:
                    break
                # Not forever: should_stop is asked again every STOP_POLL_S while programs run.
                done, _ = wait(running, timeout=STOP_POLL_S, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=running.__getitem__):
                    index = running.pop(future)
                    outcomes[index] = future.result()
                    if on_done is not None:
                        on_done(index, outcomes[index])
        except BaseException:
            stop.set()  # leaving the with block waits for the programs still running: kill them
            raise
    return outcomes  # type: ignore[return-value]  # the loop ends with every outcome in place


def _run(program: str, limits: Limits, *, sandbox: bool, stop: threading.Event | None) -> Outcome:
    """Return the outcome of one program; on return no process of its run is left."""
    token = secrets.token_hex(16)
    # A --no-sandbox program gets a private working and home folder, removed with all it wrote.
    private_folder = contextlib.nullcontext("") if sandbox else tempfile.TemporaryDirectory(prefix="passk-")
    with uid_for_a_program(sandbox) as uid, private_folder as folder:
        token_read, token_write = os.pipe()
        os.write(token_write, token.encode())  # 32 bytes: within the pipe's buffer, never blocks
        os.close(token_write)
        report_read, report_write = os.pipe()
        program_fd = _program_fd(program)
        if sandbox:
            command = bubblewrap.sandbox_command(program_fd, report_write, limits.rlimits(), limits.file_bytes)
            # bwrap needs no environment: none of the worker's variables reaches even the process
            # that builds the sandbox.
            cwd, environment = "/", {}
        else:
            command = bubblewrap.plain_command(f"/proc/self/fd/{program_fd}", report_write, limits.rlimits())
            cwd = folder
            environment = {**bubblewrap.SANDBOX_ENVIRONMENT, "HOME": folder, "TMPDIR": folder}
        try:
            started_at = time.monotonic()
            process = subprocess.Popen(
                bubblewrap.through_setpriv(command, uid), stdin=token_read, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, pass_fds=(report_write, program_fd), cwd=cwd, env=environment,
                start_new_session=True)
        finally:
            for fd in (token_read, report_write, program_fd):
                os.close(fd)
        try:
            finished = watch(process, report_read, deadline=started_at + limits.timeout_s,
                             keep_bytes=limits.output_bytes, stop=stop, kill=kill_sandbox if sandbox else kill_group)
        finally:
            os.close(report_read)
            kill_group(process)  # whatever a --no-sandbox program left in its group
            process.wait()
        seconds = time.monotonic() - started_at
    return _outcome(finished, token, process.returncode, sandbox=sandbox, seconds=seconds)


def _program_fd(program: str) -> int:
    """Return a memory file holding the program, read from its start (bwrap copies it in)."""
    fd = os.memfd_create("program.py")
    with open(fd, "wb", closefd=False) as file:
        file.write(program.encode("utf-8", "surrogatepass"))  # a lone surrogate is then a SyntaxError
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _outcome(finished: Finished, token: str, returncode: int, *, sandbox: bool, seconds: float) -> Outcome:
    """Return the Outcome; raise where the runner never came up (the sandbox failed, not the program)."""
    stderr_tail = finished.stderr.decode("utf-8", "replace")[-STDERR_TAIL_CHARS:]
    if not started(finished.report) and not finished.killed:
        if sandbox:
            raise SandboxUnavailable(f"the sandbox did not start: {stderr_tail.strip() or 'no output'}. {INSTALL_HELP}")
        raise EvaluationError(f"the Python interpreter {bubblewrap.plain_python()} did not start: "
                              f"{stderr_tail.strip() or 'no output'}")
    status = decide_status(finished.report, token, returncode, timed_out=finished.killed, sandboxed=sandbox,
                           stderr=finished.stderr)
    return Outcome(status=status, stderr_tail=stderr_tail, seconds=seconds)
