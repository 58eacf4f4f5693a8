"""Numbers as pages show them, formatted for their unit: bytes in KiB/MiB/GiB, shares and
percentages with a % sign, very large or very small values in scientific notation, and four
decimals otherwise. One function, so every table writes a metric the same way."""
from __future__ import annotations

import math

_BINARY = (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10))


def format_number(value: float) -> str:
    """Four decimals, as every table has shown them, or four significant digits in scientific
    notation beyond a million or below a thousandth (a perplexity of 4.187e+09)."""
    if not math.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
        return f"{value:.4g}"
    return f"{value:.4f}"


def format_value(value: float | None, unit: str = "") -> str:
    """Return `value` written for `unit` ("bytes", "share" of 1, "%", or anything else)."""
    if value is None:
        return "—"
    value = float(value)
    if unit == "bytes" and math.isfinite(value):
        for name, size in _BINARY:
            if abs(value) >= size:
                return f"{value / size:,.2f} {name}"
        return f"{int(value):,} B"
    if unit == "share":
        return f"{format_number(100 * value)}%"
    if unit == "%":
        return f"{format_number(value)}%"
    return format_number(value)


def unit_label(unit: str) -> str:
    """The unit as a page heads a column of formatted values (a share is shown in %)."""
    return "%" if unit == "share" else unit


def chart_scale(unit: str) -> tuple[float, str]:
    """(factor, suffix) that put a chart's values in the unit its table shows: a share in %, bytes in MiB."""
    if unit == "share":
        return 100.0, "%"
    if unit == "%":
        return 1.0, "%"
    if unit == "bytes":
        return 1.0 / (1 << 20), " MiB"
    return 1.0, ""
