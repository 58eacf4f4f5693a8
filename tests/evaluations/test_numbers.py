"""Numbers on pages are written for their unit (values worked out by hand)."""
from __future__ import annotations

import pytest

from glassbox.evaluations.numbers import format_number, format_value, unit_label


@pytest.mark.parametrize("value, unit, shown", [
    (559833088.0, "bytes", "533.90 MiB"),          # 559833088 / 2**20 = 533.898...
    (3 * 2**30 + 2**29, "bytes", "3.50 GiB"),
    (2048, "bytes", "2.00 KiB"),
    (512, "bytes", "512 B"),
    (0.4, "share", "40.0000%"),
    (48.333333, "%", "48.3333%"),
    (4186694940.7887, "", "4.187e+09"),          # a large perplexity
    (0.0004321, "", "0.0004321"),
    (12.345678, "tokens/s", "12.3457"),
    (0.0, "", "0.0000"),
    (None, "bytes", "—"),
])
def test_values_by_unit(value, unit, shown):
    assert format_value(value, unit) == shown


def test_a_share_is_headed_in_percent():
    assert unit_label("share") == "%" and unit_label("bytes") == "bytes" and unit_label("") == ""
    assert format_number(float("inf")) == "inf"
