"""Loaded by a test worker started with GLASSBOX_SAMPLE_DELAY_S (see config/settings/test.py): it
sleeps that many seconds after each stored per-sample record, so a run lasts long enough for a
test to kill, cancel or time out its worker part-way."""
from __future__ import annotations

import os
import time

from glassbox.evaluations import execution

DELAY_S = float(os.environ["GLASSBOX_SAMPLE_DELAY_S"])
_store = execution._SampleWriter.__call__


def _store_then_wait(self, key: str, index: int, data: dict) -> None:
    _store(self, key, index, data)
    time.sleep(DELAY_S)


execution._SampleWriter.__call__ = _store_then_wait
