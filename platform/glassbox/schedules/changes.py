"""When a scheduled result counts as a change: pure arithmetic, no database."""
from __future__ import annotations


def moved(value: float, previous_value: float, ci_low: float | None, ci_high: float | None) -> bool:
    """Return whether `value` lies outside the previous result's 95% interval.

    A metric reported without an interval (a count, a timing summary) has nothing to tolerate:
    any difference from the previous value is a change.
    """
    if ci_low is None or ci_high is None:
        return value != previous_value
    return not ci_low <= value <= ci_high
