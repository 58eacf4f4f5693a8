"""The drill's figures: fault scenarios run and survived, and stored records compared."""
from __future__ import annotations

FIGURES = {"scenarios_run": 0, "scenarios_survived": 0, "records_compared": 0}


def add_records(count: int) -> None:
    FIGURES["records_compared"] += count


def scenario_finished(*, passed: bool) -> None:
    FIGURES["scenarios_run"] += 1
    FIGURES["scenarios_survived"] += int(passed)


def summary_line() -> str:
    return (f"fault scenarios: {FIGURES['scenarios_run']} run, {FIGURES['scenarios_survived']} survived, "
            f"{FIGURES['records_compared']} records compared")
