"""Checklist files: the official FMTI files read as published, exports read back the same,
malformed files are refused with the line and the field."""
from __future__ import annotations

import csv

import pytest

from evaluators.transparency.checklists import (ChecklistError, builtin, load, parse, parse_csv,
                                                parse_json, read, to_csv, to_json)


def test_the_official_indicator_lists_read_as_published(fmti):
    v1 = read(fmti / "fmti-indicators.csv")
    v3 = read(fmti / "Dec2025" / "Dec2025_indicators.csv")
    assert len(v1.indicators) == len(v3.indicators) == 100
    assert (v1.indicators[0].domain, v1.indicators[0].subdomain, v1.indicators[0].indicator) == \
        ("Upstream", "Data", "Data size")
    # "Data creators " and "Accountability " lose their stray trailing space.
    assert v1.indicators[2].indicator == "Data creators"
    assert "Accountability" in {i.subdomain for i in v3.indicators}
    assert not any(i.subdomain.endswith(" ") for i in v3.indicators)


def test_export_and_import_give_back_the_same_checklist():
    original = builtin("fmti-2025")
    assert parse_csv(to_csv(original), "x.csv").indicators == original.indicators
    assert parse_json(to_json(original), "x.json").indicators == original.indicators


@pytest.mark.parametrize("text, message", [
    ("domain,subdomain\nUp,Data\n", "x.csv: line 1: missing column(s) indicator"),
    ("domain,subdomain,indicator\nUp,Data,Size\nUp,,Sources\n", "x.csv: line 3: field 'subdomain' is missing"),
    ("domain,subdomain,indicator\nUp,Data,Size\nUp,Data,Size\n", "x.csv: line 3: indicator 'Size' repeats line 2"),
    ("domain,subdomain,indicator\nUp,Data,Size,extra\n", "x.csv: line 2: 4 fields, the header has 3"),
    ("", "x.csv: the file is empty"),
])
def test_malformed_csv_checklists_are_refused_with_the_line(text, message):
    with pytest.raises(ChecklistError) as error:
        parse(text, "x.csv")
    assert str(error.value).startswith(message)


def test_malformed_json_checklists_are_refused_with_the_line():
    with pytest.raises(ChecklistError, match=r"x.json: line 3: invalid JSON"):
        parse('{"indicators": [\n {"domain": "Up",\n "subdomain" "Data"}]}', "x.json")
    with pytest.raises(ChecklistError, match=r"x.json: indicator 2: field 'indicator'"):
        parse('{"indicators": [{"domain": "a", "subdomain": "b", "indicator": "c"},'
              ' {"domain": "a", "subdomain": "b", "indicator": 3}]}', "x.json")


def test_an_unknown_checklist_name_is_explained():
    with pytest.raises(ChecklistError, match="fmti-2023, fmti-2024, fmti-2025"):
        load("fmti-1999")


def test_built_in_definitions_are_our_own_words(fmti):
    for name, listing in (("fmti-2024", fmti / "fmti-indicators.csv"),
                          ("fmti-2025", fmti / "Dec2025" / "Dec2025_indicators.csv")):
        with open(listing, encoding="utf-8-sig", newline="") as f:
            official = list(csv.DictReader(f))
        ours = builtin(name).indicators
        assert [i.indicator for i in ours] == [" ".join(r["Indicator"].split()) for r in official]
        for mine, theirs in zip(ours, official):
            for text in (theirs["Definition"].strip(), theirs["Notes"].strip()):
                if len(text) > 30:
                    assert text not in mine.definition and text not in mine.notes
