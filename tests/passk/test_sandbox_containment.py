"""Hostile programs stay in their sandbox: each test checks the host afterwards, not only the outcome."""
import dataclasses
import os
import random
import resource
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

from evaluators.passk.processes import UID_BASE, UID_SLOTS
from evaluators.passk.sandbox import Limits, run_program
from tests.services import reachable

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="bubblewrap is not installed (apt-get install bubblewrap)")

REPO = Path(__file__).resolve().parents[2]
ADD = "def add(a, b):\n    return a + b\n\nassert add(1, 2) == 3\n"


# Every limit these tests run under carries this many extra bytes of address space: it is in the
# command line of each process of their sandboxes, which finds them among those of other test
# runs on the machine (sandboxes of other processes may have the same uids).
MARK = random.randrange(1, 1 << 12) * 4096


def marked(**changes) -> Limits:
    """Return Limits with the changes, and an address-space limit MARK bytes above the asked one."""
    limits = Limits(**changes)
    return dataclasses.replace(limits, memory_bytes=limits.memory_bytes + MARK)


def leftovers(limits: Limits) -> list[str]:
    """Return a line for each process left of a sandbox run under limits (alive, or a zombie that
    the host's init must reap), and for each child of this test process."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            lines = Path(f"/proc/{entry}/status").read_text().splitlines() if entry.isdigit() else []
            command = Path(f"/proc/{entry}/cmdline").read_bytes() if lines else b""
        except OSError:  # it ended while we looked
            continue
        fields = dict(line.split(":\t", 1) for line in lines if ":\t" in line)
        if not fields:
            continue
        uid, parent = int(fields["Uid"].split()[0]), int(fields["PPid"])
        ours = f"RLIMIT_AS={limits.memory_bytes}:".encode() in command
        zombie = fields["State"].startswith("Z") and UID_BASE <= uid < UID_BASE + UID_SLOTS
        if ours or zombie or parent == os.getpid():
            found.append(f"pid {entry} ({fields['Name']}, {fields['State']}, uid {uid}, parent {parent})")
    return found


def assert_nothing_left(limits: Limits) -> None:
    # A dying PID namespace is torn down by the kernel: give it a moment, no more.
    for _ in range(50):
        if not leftovers(limits):
            return
        time.sleep(0.02)
    assert leftovers(limits) == []


def test_an_infinite_loop_and_its_hidden_children_are_killed_in_time():
    program = ("import os, signal, time\n"
               "for _ in range(3):\n"
               "    if os.fork() == 0:\n"
               "        os.setsid()\n"  # leave the process group
               "        if os.fork() == 0:\n"  # and the parent: a daemon
               "            signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
               "            os.close(1); os.close(2)\n"  # no pipe to give it away either
               "            while True:\n"
               "                pass\n"
               "        os._exit(0)\n"
               "while True:\n"
               "    time.sleep(0.01)\n")
    limits = marked(timeout_s=1.0)
    outcome = run_program(program, limits)
    assert outcome.status == "timed out"
    assert outcome.seconds < 1.5
    assert_nothing_left(limits)


def test_a_fork_bomb_is_contained_and_the_host_still_forks():
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    outcomes, limits = {}, marked(timeout_s=2.0)
    thread = threading.Thread(target=lambda: outcomes.update(bomb=run_program(bomb, limits)))
    thread.start()
    time.sleep(0.7)  # the bomb is at its limit by now
    assert subprocess.run(["true"], timeout=5).returncode == 0
    assert run_program(ADD).status == "passed"  # a sandbox beside it has a uid of its own
    thread.join()
    assert outcomes["bomb"].status == "timed out"
    assert_nothing_left(limits)


def test_the_process_limit_counts_the_sandboxs_own_processes():
    # 8 processes: the sandbox's init (the runner) and the program's own are two, so six children
    # fit and the seventh does not.
    program = ("import os, time\n"
               "children = 0\n"
               "try:\n"
               "    while children < 50:\n"
               "        if os.fork() == 0:\n"
               "            time.sleep(30)\n"
               "            os._exit(0)\n"
               "        children += 1\n"
               "except BlockingIOError:\n"
               "    pass\n"
               "assert children == 6, children\n")
    limits = marked(processes=8)
    outcome = run_program(program, limits)
    assert outcome.status == "passed", outcome.stderr_tail
    assert_nothing_left(limits)  # the sleeping children went with the sandbox


@pytest.mark.parametrize("allocation", [
    "data = bytearray(4 << 30)",
    "chunks = []\nwhile True:\n    chunks.append(bytearray(64 << 20))",
    "data = [0] * (1 << 30)",
])
def test_a_huge_allocation_is_out_of_memory_and_the_host_is_fine(allocation):
    limits = marked()  # 1 GiB of address space
    outcome = run_program(allocation + "\n", limits)
    assert outcome.status == "out of memory", outcome.stderr_tail
    assert run_program(ADD).status == "passed"
    assert_nothing_left(limits)


def test_writes_to_the_home_folder_and_the_repository_never_reach_the_host():
    name = f"sandbox-write-{uuid.uuid4().hex}"
    this_file = Path(__file__).resolve()
    before = this_file.read_bytes()
    targets = [Path("/root") / name, Path.home() / name, REPO / name, this_file, Path("/tmp") / name]
    program = ("import os\n"
               f"for path in {[str(t) for t in targets]!r}:\n"
               "    try:\n"
               "        with open(path, 'a') as file:\n"
               "            file.write('written from the sandbox')\n"
               "    except OSError:\n"
               "        continue\n"
               "    assert path.startswith('/tmp/'), f'wrote {path}'\n"  # its own /tmp, gone afterwards
               f"with open(os.path.join(os.environ['HOME'], {name!r}), 'w') as file:\n"
               "    file.write('its own home is writable')\n")
    try:
        outcome = run_program(program)
        assert outcome.status == "passed", outcome.stderr_tail
        for target in targets[:3] + targets[4:]:
            assert not target.exists(), target
        assert this_file.read_bytes() == before
    finally:
        if this_file.read_bytes() != before:
            this_file.write_bytes(before)


def test_the_workers_environment_is_not_visible(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://glassbox:hunter2-secret@db/glassbox")
    monkeypatch.setenv("SECRET_KEY", "django-insecure-secret-key-value")
    program = ("import os\n"
               "assert sorted(os.environ) == ['HOME', 'LANG', 'PATH', 'PWD', 'TMPDIR'], sorted(os.environ)\n"
               "seen = repr(dict(os.environ))\n"
               "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
               "    for part in ('environ', 'cmdline'):\n"
               "        with open(f'/proc/{pid}/{part}', 'rb') as file:\n"
               "            seen += file.read().decode('utf-8', 'replace')\n"
               "assert 'secret' not in seen and 'hunter2' not in seen and 'postgres' not in seen\n"
               "assert not os.path.exists('/etc') and not os.path.exists('/root') and not os.path.exists('/home')\n")
    outcome = run_program(program)
    assert outcome.status == "passed", outcome.stderr_tail


@pytest.fixture
def listening_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


@pytest.mark.parametrize("service", ["a port this test listens on", "PostgreSQL", "Redis"])
def test_no_connection_leaves_the_sandbox(service, listening_port):
    port = {"PostgreSQL": 5432, "Redis": 6379}.get(service, listening_port)
    if not reachable("127.0.0.1", port):  # from the host: else a refusal inside would prove nothing
        assert service in ("PostgreSQL", "Redis")
        pytest.skip(f"{service} is not running on this host: nothing to be refused")
    program = ("import socket\n"
               "try:\n"
               f"    socket.create_connection(('127.0.0.1', {port}), timeout=1).close()\n"
               "except OSError:\n"
               "    pass\n"
               "else:\n"
               f"    raise AssertionError('reached 127.0.0.1:{port}')\n")
    outcome = run_program(program)
    assert outcome.status == "passed", outcome.stderr_tail


@pytest.mark.parametrize("target", ["os.getppid()", "1", "-1", "TEST_PID", "SENTINEL_PID"])
def test_signals_reach_nothing_outside(target):
    sentinel = subprocess.Popen(["sleep", "30"])
    try:
        pid = target.replace("TEST_PID", str(os.getpid())).replace("SENTINEL_PID", str(sentinel.pid))
        program = ("import os, signal, time\n"
                   "try:\n"
                   f"    os.kill({pid}, signal.SIGKILL)\n"
                   "except OSError:\n"
                   "    pass\n"
                   "time.sleep(0.3)\n"
                   "raise RuntimeError('still running: the kill reached nothing that matters')\n")
        limits = marked()
        outcome = run_program(program, limits)
        assert outcome.status == "failed: RuntimeError", outcome.stderr_tail
        assert sentinel.poll() is None  # the host's process lives, and so does this one
    finally:
        sentinel.kill()
        sentinel.wait()
    assert_nothing_left(limits)


def test_a_flood_of_output_is_read_but_not_kept():
    program = ("import os, sys\n"
               "block = 'x' * (1 << 20)\n"
               "for _ in range(100):\n"
               "    sys.stdout.write(block)\n"
               "    sys.stderr.write(block)\n")
    grown_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    outcome = run_program(program, Limits(timeout_s=20))
    assert outcome.status == "passed", outcome.stderr_tail[-300:]
    assert time.monotonic() - started < 5
    assert 0 < len(outcome.stderr_tail.encode()) <= 64 * 1024
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - grown_before < 50 * 1024  # KiB: under 50 MB
    small = run_program(program, Limits(timeout_s=20, output_bytes=1000))
    assert small.stderr_tail == "x" * 1000  # the first 1000 bytes, the rest read and dropped
