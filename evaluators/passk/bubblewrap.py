"""The command lines that start a program's runner: inside bwrap, or (--no-sandbox) plain.

Why each bwrap argument is there is said beside it; sandbox.py's docstring gives the whole picture.
"""
from __future__ import annotations

import functools
import os
import shutil
import sys

from . import programs

SYSTEM_PATH = "/usr/bin:/bin:/usr/local/bin"
# Where the program is inside the sandbox: a read-only copy bwrap makes from a memfd.
PROGRAM_PATH = "/sandbox/program.py"
# The sandbox's whole environment; bwrap clears the rest (--clearenv). PYTHONHASHSEED and the
# other PYTHON* variables would be ignored anyway: the runner starts with -I.
SANDBOX_ENVIRONMENT = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8"}
# Top-level folders that merged-/usr systems make links into /usr (Debian, Ubuntu, Fedora); the
# dynamic loader is reached through /lib64 or /lib. Where one is a real folder it is bound read-only.
USR_LINKS = ("bin", "lib", "lib32", "lib64", "libx32", "sbin")


def bwrap_path() -> str | None:
    """Return bubblewrap's path, or None when it is not installed."""
    return shutil.which("bwrap", path=SYSTEM_PATH)


def setpriv_path() -> str | None:
    """Return util-linux's setpriv, or None when it is not installed."""
    return shutil.which("setpriv", path=SYSTEM_PATH)


def through_setpriv(command: list[str], uid: int | None) -> list[str]:
    """Return command run by setpriv: SIGKILLed should the worker thread that starts it die, and
    as uid (gid the same, no supplementary groups) when one is given.

    Popen(user=...) would do the uid too, but only by fork(): setpriv lets Python start the child
    with vfork(), whose cost does not grow with the worker's memory (a loaded model).
    """
    setpriv = setpriv_path()
    if setpriv is None:  # only a --no-sandbox run gets here without it (check_sandbox)
        return command
    as_uid = [] if uid is None else ["--reuid", str(uid), "--regid", str(uid), "--clear-groups"]
    return [setpriv, "--pdeathsig", "SIGKILL", *as_uid, "--", *command]


@functools.cache
def plain_python() -> str:
    """Return the worker's base interpreter (the venv's python is a link to it)."""
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


@functools.cache
def sandbox_python() -> str | None:
    """Return the interpreter the sandbox runs: the worker's own when it is under /usr, else the
    system's /usr/bin/python3; None when neither is (the sandbox binds /usr only)."""
    for candidate in (plain_python(), os.path.realpath("/usr/bin/python3")):
        if candidate.startswith("/usr/") and os.access(candidate, os.X_OK):
            return candidate
    return None


@functools.cache
def _usr_links() -> tuple[str, ...]:
    arguments: list[str] = []
    for name in USR_LINKS:
        path = f"/{name}"
        if os.path.islink(path):
            arguments += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            arguments += ["--ro-bind", path, path]
    return tuple(arguments)


def sandbox_command(program_fd: int, report_fd: int, rlimits: list[str], tmp_bytes: int) -> list[str]:
    """Return the bwrap command line that runs the program read from program_fd."""
    bwrap, python = bwrap_path(), sandbox_python()
    if bwrap is None or python is None:
        raise RuntimeError("no bwrap or no Python under /usr: check_sandbox() says what to install")
    environment = [word for name, value in SANDBOX_ENVIRONMENT.items() for word in ("--setenv", name, value)]
    return [
        bwrap,
        "--die-with-parent",  # should bwrap be killed (its worker died), its init and all inside go too
        "--new-session",  # no controlling terminal to push keystrokes into (TIOCSTI)
        "--unshare-all", "--unshare-user",  # user, PID, network (loopback only), IPC, UTS, cgroup namespaces
        "--disable-userns",  # no nested user namespace to escape the process limit with
        "--as-pid-1",  # the runner is the init: bwrap exits without reaping an init of its own (see RUNNER)
        "--hostname", "sandbox",
        "--clearenv", *environment,
        "--ro-bind", "/usr", "/usr", *_usr_links(),
        "--proc", "/proc",  # the sandbox's own PID namespace: only its processes
        "--dev", "/dev", "--remount-ro", "/dev",  # null, zero, urandom...; no writable /dev/shm to fill memory
        "--size", str(tmp_bytes), "--tmpfs", "/tmp",  # tmpfs is memory: capped
        "--chdir", "/tmp",
        "--ro-bind-data", str(program_fd), PROGRAM_PATH,
        "--remount-ro", "/",  # last: the root tmpfs bwrap built stays empty
        python, "-I", "-S", "-c", programs.RUNNER, PROGRAM_PATH, str(report_fd), *rlimits,
    ]


def plain_command(program_path: str, report_fd: int, rlimits: list[str]) -> list[str]:
    """Return the command line that runs the program at program_path with no sandbox."""
    return [plain_python(), "-I", "-S", "-c", programs.RUNNER, program_path, str(report_fd), *rlimits]
