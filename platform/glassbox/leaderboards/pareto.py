"""Quality against decoding speed: which models no other model beats on both at once.

A model is on the Pareto front when no other model is at least as good on both axes and
strictly better on one, each axis read in its own direction ("higher" or "lower" is better).
A metric with a target (bias at 50) is passed as its distance to the target, "lower".
"""
from __future__ import annotations


def pareto_front(points: list[tuple[float, float]], x_direction: str = "higher",
                 y_direction: str = "higher") -> list[int]:
    """Return the indices of the non-dominated points, in ascending x order."""
    sx = 1.0 if x_direction == "higher" else -1.0
    sy = 1.0 if y_direction == "higher" else -1.0
    scaled = [(sx * x, sy * y) for x, y in points]

    def dominated(i: int) -> bool:
        xi, yi = scaled[i]
        return any(xj >= xi and yj >= yi and (xj > xi or yj > yi)
                   for j, (xj, yj) in enumerate(scaled) if j != i)

    front = [i for i in range(len(points)) if not dominated(i)]
    return sorted(front, key=lambda i: points[i][0])
