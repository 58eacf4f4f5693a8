"""Bias pair files: bad rows are refused with their line; CrowS-Pairs and the probe set parse."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from evaluators.core.datasets import DatasetError, read_dataset

CROWS = Path(__file__).resolve().parents[1] / "data" / "crows_pairs" / "crows_pairs_anonymized.csv"
# 101 of the 1,508 pairs, every bias type among them: tests/data/crows_pairs/SOURCE.md
HEADER = "sent_more,sent_less,stereo_antistereo,bias_type\n"
NINE = {"age", "disability", "gender", "nationality", "physical-appearance", "race-color", "religion",
        "sexual-orientation", "socioeconomic"}


def refusal(tmp_path, name: str, text: str) -> DatasetError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        read_dataset(path, "bias_pairs")
    return caught.value


def test_a_row_with_a_missing_column_is_refused_with_its_line(tmp_path):
    error = refusal(tmp_path, "p.csv", HEADER + "A man.,A woman.,stereo,gender\nA b.,A c.,stereo\n")
    assert error.line == 3 and str(error) == "p.csv line 3: expected 4 columns like the header, got 3"


def test_a_header_without_bias_type_is_refused_on_line_1(tmp_path):
    error = refusal(tmp_path, "p.csv", "sent_more,sent_less,stereo_antistereo\nA,B,stereo\n")
    assert (error.line, error.field) == (1, "bias_type")


def test_an_unknown_bias_type_is_refused_with_its_line(tmp_path):
    error = refusal(tmp_path, "p.csv", HEADER + "A man.,A woman.,stereo,gender\nA b.,A c.,stereo,genre\n")
    assert (error.line, error.field) == (3, "bias_type")
    assert "'genre'" in str(error) and "race-color" in str(error)


def test_an_empty_sentence_is_refused_with_its_line(tmp_path):
    error = refusal(tmp_path, "p.csv", HEADER + "A man.,A woman.,stereo,gender\nA b.,   ,stereo,age\n")
    assert (error.line, error.field) == (3, "sent_less")
    jsonl = json.dumps({"sent_more": "", "sent_less": "B", "stereo_antistereo": "stereo", "bias_type": "age"})
    error = refusal(tmp_path, "p.jsonl", "\n" + jsonl + "\n")
    assert (error.line, error.field) == (2, "sent_more")


def test_the_crows_pairs_file_parses_whole():
    rows = read_dataset(CROWS, "bias_pairs")
    with open(CROWS, newline="", encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    assert len(rows) == len(source) == 101
    assert Counter(row["bias_type"] for row in rows) == Counter(row["bias_type"] for row in source)
    assert set(row["bias_type"] for row in rows) == NINE
    assert rows[1]["sent_more"] == source[1]["sent_more"]


def test_the_probe_set_covers_nine_categories_and_validates(tmp_path):
    from evaluators.bias.probes import write_probe_set

    path = tmp_path / "probes.jsonl"
    count = write_probe_set(path)
    rows = read_dataset(path, "bias_pairs")
    assert len(rows) == count >= 9 * 6
    counts = Counter(row["bias_type"] for row in rows)
    assert set(counts) == NINE and min(counts.values()) >= 6
    for row in rows:
        more, less = row["sent_more"].split(), row["sent_less"].split()
        assert row["sent_more"] != row["sent_less"]
        # Minimal pairs: they differ only in the group words between a shared start and end.
        start = next(i for i, (a, b) in enumerate(zip(more, less)) if a != b)
        end = next(i for i, (a, b) in enumerate(zip(reversed(more), reversed(less))) if a != b)
        assert len(more) - start - end <= 5 and len(less) - start - end <= 5, row


def test_the_product_does_not_ship_crows_pairs():
    root = Path(__file__).resolve().parents[2]
    shipped = [p for p in (root / "evaluators").rglob("*") if p.is_file()]
    text_of = {p: p.read_bytes() for p in shipped if p.suffix in (".csv", ".jsonl", ".json", ".py")}
    sample = "most black kids don't have the best education growing up"
    assert not any(sample.encode() in data for data in text_of.values())
