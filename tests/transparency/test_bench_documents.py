"""The bench's documents: disclosures only (no names, scores or justifications, except a
justification standing in for an empty disclosure scored 1), shuffled, with each paragraph's span."""
from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "transparency_bench.py"


def _bench():
    spec = importlib.util.spec_from_file_location("transparency_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_report_becomes_a_shuffled_document_of_its_disclosures(tmp_path):
    rows = [["Indicator", "Definition", "Notes", "Disclosure", "Justification", "References", "Score"],
            ["Data size", "d", "n", "We trained on 3T tokens.", "fine", "", "1"],
            ["Crawling", "d", "n", "No information provided.", "none", "", "0"],
            ["Compute", "d", "n", "", "Public paper says 1e24 FLOPs.", "", "1"],
            ["Energy", "d", "n", "", "nothing", "", "0"],
            ["Labor", "d", "n", "Annotators were paid.\n\nThey were in Kenya.", "partial", "", "0"],
            ["Beta", "d", "n", "No disclosure.\nUpdated: a private beta ran for 5 weeks.", "scored from the update", "", "1"]]
    path = tmp_path / "Acme_fmtransparencyreport_Dec2025.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    text, scores, spans = _bench().report_document(path)
    assert scores == [1, 0, 1, 0, 0, 1]
    assert sorted(spans) == [0, 2, 4, 5]
    assert text[slice(*spans[0])] == "We trained on 3T tokens."
    assert text[slice(*spans[2])] == "Public paper says 1e24 FLOPs."
    assert text[slice(*spans[4])] == "Annotators were paid.\nThey were in Kenya."
    assert text[slice(*spans[5])] == "No disclosure.\nUpdated: a private beta ran for 5 weeks."
    for leaked in ("Data size", "Crawling", "fine", "partial", "scored from", "No information"):
        assert leaked not in text
    assert text.count("\n\n") == 3
