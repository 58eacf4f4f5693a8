"""The official FMTI scores, read through the importer and joined by row position, give back
every published total, and the subdomain and domain scores of an independent computation."""
from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from evaluators.transparency.build_data import read_scores
from evaluators.transparency.checklists import read, reference_scores

EDITIONS = [("fmti-2023", "fmti-indicators.csv", "October2023/October2023_scores.csv"),
            ("fmti-2024", "fmti-indicators.csv", "May2024/May2024_scores.csv"),
            ("fmti-2025", "Dec2025/Dec2025_indicators.csv", "Dec2025/Dec2025_scores.csv")]


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("name, listing, scores", EDITIONS)
def test_imported_scores_reproduce_the_published_totals(fmti, name, listing, scores):
    rows = _rows(fmti / scores)
    header = rows[0]
    first = header.index("Indicator") + 1
    developers = [h for h in header[first:] if h.strip() and h != "Total"]
    imported = read_scores(fmti / scores, 100)["developers"]
    assert list(imported) == developers
    total_row = next((r for r in rows if "Total" in r[:first]), None)
    for column, developer in enumerate(developers, start=first):
        by_hand = sum(int(r[column]) for r in rows[1:101])
        assert sum(imported[developer]) == by_hand
        if total_row is not None:
            assert sum(imported[developer]) == int(total_row[column])
    if "Total" in header:  # 2023 also publishes each indicator's total over developers
        at = header.index("Total")
        for index, row in enumerate(rows[1:101]):
            assert sum(imported[d][index] for d in developers) == int(row[at])
    # The shipped reference data is the same as the published files.
    assert reference_scores()[name]["developers"] == imported


@pytest.mark.parametrize("name, listing, scores", EDITIONS)
def test_subdomain_scores_join_by_row_position(fmti, name, listing, scores):
    indicators = read(fmti / listing).indicators
    rows = _rows(fmti / scores)
    first = rows[0].index("Indicator") + 1
    imported = read_scores(fmti / scores, 100)["developers"]
    for column, developer in enumerate(imported, start=first):
        expected = defaultdict(int)
        for index, row in enumerate(rows[1:101]):
            # 2023's scores file carries its own Domain/Subdomain columns: use them when present.
            subdomain = row[1].strip() if first == 4 else indicators[index].subdomain
            expected[subdomain] += int(row[column])
        got = defaultdict(int)
        for indicator, score in zip(indicators, imported[developer]):
            got[indicator.subdomain] += score
        assert dict(got) == dict(expected)
    assert sum(1 for _ in indicators) == 100


def test_2024_amazon_total_is_the_corrected_one():
    assert sum(reference_scores()["fmti-2024"]["developers"]["Amazon"]) == 41
