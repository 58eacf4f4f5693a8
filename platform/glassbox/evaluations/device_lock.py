"""One lock per device on this machine, so timings never share the device with other work.

Every evaluation holds the device's lock shared; an evaluator marked `exclusive_device`
(decoding speed) holds it exclusively, so it waits for running evaluations to end and keeps
new ones waiting until it is done, even across worker processes (flock on a file under var/).
The device is this machine's GPU set as CUDA_VISIBLE_DEVICES names it, or its CPU.
execution.execute takes it for every run; the demo job's task (workers/demo_tasks.py) takes it shared.
"""
from __future__ import annotations

import fcntl
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from django.conf import settings


def lock_path() -> Path:
    visible = os.environ.get("CUDA_VISIBLE_DEVICES", "all")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", visible) or "none"
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"device-{name}.lock"


@contextmanager
def device_lock(exclusive: bool) -> Iterator[None]:
    """Hold this machine's device lock (shared or exclusive) for the duration of the block."""
    with open(lock_path(), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
