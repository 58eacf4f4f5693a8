"""Watching one program's process: bounded reads, the wall clock, and killing what is left.

Also the host uids a root worker lends its sandboxes, one per program running at once.
Linux only, like bubblewrap: a pidfd says when the process has exited.
"""
from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterator

READ_CHUNK = 64 * 1024
# The runner's report is a few lines; a program writing into its pipe gets no more kept than this.
REPORT_BYTES = 4096
# How often a run watching a stop event looks at it: a cancelled run kills its programs this fast.
STOP_POLL_S = 0.1
# After a kill, how long the process may take to go (SIGKILL: at once, unless the host is swamped).
KILL_GRACE_S = 2.0
UID_BASE = 61000  # above Debian's dynamic uids (to 59999), below nobody (65534)
UID_SLOTS = 1000


@dataclass(frozen=True)
class Finished:
    """What watching a process gathered."""

    stderr: bytes
    """The first keep_bytes of stderr."""
    report: bytes
    """The first REPORT_BYTES of the runner's report pipe."""
    killed: bool
    """Whether the process was killed: its deadline passed or the run was stopped."""


def watch(process: subprocess.Popen, report_fd: int, *, deadline: float, keep_bytes: int,
          stop: threading.Event | None, kill: Callable[[subprocess.Popen], None]) -> Finished:
    """Read stderr and the report until the process exits, calling kill(process) at the deadline.

    The pipes are drained as they fill -- a writer of 100 MB never blocks -- but only their
    beginnings are kept. The process is left unreaped, so its pid and group id stay its own
    until the caller has killed the group and waited for it.
    """
    stderr_fd = process.stderr.fileno()
    kept = {stderr_fd: bytearray(), report_fd: bytearray()}
    limits = {stderr_fd: keep_bytes, report_fd: REPORT_BYTES}
    killed = exited = False
    exit_fd = os.pidfd_open(process.pid)  # readable once the process has exited
    try:
        with selectors.DefaultSelector() as selector:
            for fd in kept:
                os.set_blocking(fd, False)
                selector.register(fd, selectors.EVENT_READ)
            selector.register(exit_fd, selectors.EVENT_READ)
            while not exited:
                now = time.monotonic()
                if not killed and (now >= deadline or (stop is not None and stop.is_set())):
                    kill(process)
                    killed, deadline = True, now + KILL_GRACE_S
                elif killed and now >= deadline:
                    break
                timeout = deadline - now if stop is None or killed else min(deadline - now, STOP_POLL_S)
                for key, _ in selector.select(max(timeout, 0)):
                    if key.fd == exit_fd:
                        exited = True
                    elif not _read(key.fd, kept[key.fd], limits[key.fd]):
                        selector.unregister(key.fd)
        # What was written before the exit. Once bwrap has exited, nothing of its sandbox is
        # left to write more; a --no-sandbox program's leftovers are killed with its group.
        for fd in kept:
            for _ in range(16):
                if not _read(fd, kept[fd], limits[fd]):
                    break
    finally:
        os.close(exit_fd)
    return Finished(stderr=bytes(kept[stderr_fd]), report=bytes(kept[report_fd]), killed=killed)


def _read(fd: int, kept: bytearray, limit: int) -> bool:
    """Read one chunk, keeping it up to limit bytes in all; return False at the end or when nothing waits."""
    try:
        chunk = os.read(fd, READ_CHUNK)
    except BlockingIOError:
        return False
    if len(kept) < limit:
        kept += chunk[:limit - len(kept)]
    return bool(chunk)


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the process's group (it leads one: start_new_session). Call before reaping it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def kill_sandbox(process: subprocess.Popen) -> None:
    """SIGKILL the init of the sandbox that bwrap (process) runs, and with it the whole sandbox.

    Not bwrap itself: bwrap reaps its init before it exits, and so leaves no zombie to the
    host's init (which may reap slowly, or never when the worker is PID 1 of a container).
    Before bwrap has started the init there is only bwrap's group to kill.
    """
    try:
        with open(f"/proc/{process.pid}/task/{process.pid}/children") as file:
            children = [int(pid) for pid in file.read().split()]
    except OSError:
        children = []
    for pid in children:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    if not children:
        kill_group(process)


class _UidSlots:
    """Host uids lent to sandboxes: no two programs running at once share one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free = list(range(UID_BASE + UID_SLOTS - 1, UID_BASE - 1, -1))  # lowest first out

    @contextlib.contextmanager
    def lend(self) -> Iterator[int]:
        with self._lock:
            if not self._free:
                raise RuntimeError(f"more than {UID_SLOTS} sandboxes at once")
            uid = self._free.pop()
        try:
            yield uid
        finally:
            with self._lock:
                self._free.append(uid)


_SLOTS = _UidSlots()


@contextlib.contextmanager
def uid_for_a_program(sandboxed: bool) -> Iterator[int | None]:
    """Yield the host uid to run one program as, or None to run it as the worker itself.

    RLIMIT_NPROC is not enforced for root, so a root worker lends each running sandbox an
    unprivileged uid of its own. A worker that is not root, or a --no-sandbox run, keeps its uid.
    The slots are this process's: two root workers on one host would share uids (the process
    limit still holds, counted per sandbox; see sandbox.py).
    """
    if not sandboxed or os.geteuid() != 0:
        yield None
        return
    with _SLOTS.lend() as uid:
        yield uid
