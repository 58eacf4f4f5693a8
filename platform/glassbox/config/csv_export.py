"""The one CSV writer of every download: leaderboards, snapshots, audits and checklists.

A spreadsheet opening a CSV runs a cell that starts with = + - or @ as a formula, and some skip a
leading tab or carriage return before looking. Export cells hold text other people wrote (model
names, justifications, indicator definitions), so such a cell gets a leading single quote, as
OWASP advises for CSV injection: the spreadsheet shows the text instead of running it. Numbers are
written as they are (a negative number is not text). Lines end with CRLF, as RFC 4180 says.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Return the value, with a leading ' when its text would start a formula; None as a blank."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    """Return the header and the rows as CSV text, every cell formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
