"""The demo job's state: a small JSON file under var/ that the worker writes and the home page reads.

There is one demo job per installation, so it needs no table: the file says where the job is
(queued, training, seeding, done or failed), how many training steps are done, and when it last
wrote (its heartbeat, which tells a job whose worker died from a slow one).
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from django.conf import settings

IN_FLIGHT = ("queued", "training", "seeding")
LABELS = {
    "queued": "Waiting for a worker to train the demo models",
    "training": "Training the demo models",
    "seeding": "Registering the demo models and queuing the demo evaluations",
    "done": "The demo models are ready",
    "failed": "Preparing the demo failed",
}


@dataclass(frozen=True)
class DemoJob:
    state: str
    models_dir: str
    steps: int
    done: int = 0
    error: str = ""
    updated_at: float = 0.0
    """Seconds since the epoch of the last write."""

    @property
    def percent(self) -> int:
        return min(100, 100 * self.done // self.steps) if self.steps else 0

    @property
    def in_flight(self) -> bool:
        return self.state in IN_FLIGHT

    @property
    def label(self) -> str:
        return LABELS[self.state]

    def as_dict(self) -> dict:
        """Return what the home page shows (not where the models live: the page is public)."""
        return {"state": self.state, "label": self.label, "done": self.done, "steps": self.steps,
                "percent": self.percent, "in_flight": self.in_flight, "error": self.error}


def state_path() -> Path:
    return Path(settings.VAR_DIR) / "demo" / "job.json"


def read() -> DemoJob | None:
    """Return the demo job's last written state; None when no demo job was ever queued."""
    try:
        data = json.loads(state_path().read_text(encoding="utf-8"))
        job = DemoJob(**{name: data[name] for name in DemoJob.__dataclass_fields__ if name in data})
    except (OSError, ValueError, TypeError):
        return None
    return job if job.state in LABELS else None


def write(job: DemoJob, **changes) -> DemoJob:
    """Store `job` with `changes` applied and the time of writing; return what was stored."""
    job = replace(job, **changes, updated_at=time.time())
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed: the web process never reads half a file.
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".job.", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(asdict(job), out)
    os.replace(temp, path)
    return job
