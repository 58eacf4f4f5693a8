"""The unbiased pass@k estimator against its definition, 1 - C(n-c, k) / C(n, k), in exact rationals."""
from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest

from evaluators.passk.estimator import pass_at_k


def exact(n: int, c: int, k: int) -> Fraction:
    return 1 - Fraction(comb(n - c, k), comb(n, k))


@pytest.mark.parametrize("n", [1, 2, 5, 10, 20, 100, 200])
def test_it_equals_the_combinatorial_definition(n):
    for c in range(n + 1):
        for k in sorted({1, 2, 5, 10, 100, n} & set(range(1, n + 1))):
            assert pass_at_k(n, c, k) == pytest.approx(float(exact(n, c, k)), abs=1e-12)


def test_by_hand():
    assert pass_at_k(1, 1, 1) == 1.0 and pass_at_k(1, 0, 1) == 0.0
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)            # pass@1 is the pass rate
    assert pass_at_k(4, 1, 2) == pytest.approx(1 - 3 / 6)       # C(3,2)/C(4,2) = 3/6
    assert pass_at_k(5, 4, 2) == 1.0                            # every pair holds a pass


def test_k_above_n_is_refused():
    with pytest.raises(ValueError, match="pass@3 needs at least 3 samples per problem, got 2"):
        pass_at_k(2, 1, 3)
