"""Which FMTI disclosures say nothing beyond "not disclosed" (dropped from the bench documents
and the exemplar banks), checked on real rows of the December 2025 developer reports (the rows
named here are copied into tests/data/fmti/Dec2025/report_rows.csv)."""
from __future__ import annotations

import csv

import pytest

from evaluators.transparency.refusals import nothing_disclosed

# (developer file prefix, body row, how the Disclosure begins)
DROPPED = [
    ("AI21_Labs", 17, "Not Disclosed"),
    ("Alibaba", 1, "No information provided about public datasets."),
    ("Alibaba", 37, "No information provided"),
    ("Amazon", 2, "Amazon does not disclose this information publicly."),
    ("Anthropic", 1, "This information is proprietary and not disclosed publicly to protect"),
    ("Anthropic", 73, "We cannot disclose this information."),
    ("Google", 15, "We do not disclose this."),
    ("Google", 33, "We do not publicly disclose this highly confidential business information as"),
    ("IBM", 95, "IBM does not publicly disclose statistics on developer"),
    ("Writer", 65, "No disclosure to company"),
    ("xAI", 18, "No information found on training data access."),
    # The verb says it is not disclosed, wherever the sentence puts it.
    ("Alibaba", 31, "No code provided in relation to model training."),
    ("Amazon", 21, "Compute used to train Amazon Nova Premier is not disclosed."),
    ("Amazon", 95, "Amazon does not publish statistics on Acceptable Use Policies"),
    ("Midjourney", 31, "No code provided for training."),
]
KEPT = [
    ("Amazon", 56, "No disclosure.\u00a0\nUpdated: For the launch of Nova Premier, we launched a Private Beta"),
    ("Amazon", 8, "Amazon does not disclose this information publicly. We do state publicly that"),
    ("Amazon", 74, "Amazon does not disclose customers for the Amazon Nova models beyond those"),
    ("Alibaba", 20, "No information provided about training compute, though the technical report notes"),
    ("Anthropic", 74, "We cannot disclose this information.\n\n\nhttps://www.anthropic.com/"),
    ("Google", 27, "While we do not disclose granular water usage per model"),
    ("Google", 37, "We do not publicly disclose this information. Specific numbers of FLOPs"),
    ("Mistral", 31, "No code provided for model training but code provided for model inference"),
    # A practice, not a refusal: scored 1.
    ("Amazon", 39, "No, Amazon does not provide specialized access to Nova models"),
]


def _disclosure(fmti, prefix: str, row: int) -> tuple[str, int]:
    with open(fmti / "Dec2025" / "report_rows.csv", encoding="utf-8", newline="") as f:
        (found,) = [r for r in csv.DictReader(f)
                    if r["report"] == f"{prefix}_fmtransparencyreport_Dec2025.csv" and int(r["row"]) == row]
    return found["Disclosure"].strip(), int(found["Score"])


@pytest.mark.parametrize("prefix,row,begins", DROPPED)
def test_a_bare_refusal_is_dropped(fmti, prefix, row, begins):
    text, _ = _disclosure(fmti, prefix, row)
    assert text.startswith(begins)
    assert nothing_disclosed(text)


@pytest.mark.parametrize("prefix,row,begins", KEPT)
def test_a_refusal_followed_by_content_is_kept(fmti, prefix, row, begins):
    text, _ = _disclosure(fmti, prefix, row)
    assert text.startswith(begins)
    assert not nothing_disclosed(text)


def test_the_private_beta_disclosure_scored_1_is_kept(fmti):
    text, score = _disclosure(fmti, "Amazon", 56)
    assert score == 1 and "Private Beta" in text
    assert not nothing_disclosed(text)


@pytest.mark.parametrize("text", ["", "  \u00a0\n", "N/A", "None.", "Not disclosed."])
def test_empty_and_placeholder_texts_are_dropped(text):
    assert nothing_disclosed(text)


@pytest.mark.parametrize("text", ["We trained on 3T tokens.", "None of the data was synthetic: all was crawled.",
                                  "Not disclosed; the paper reports 1e24 FLOPs."])
def test_ordinary_and_qualified_texts_are_kept(text):
    assert not nothing_disclosed(text)


@pytest.mark.parametrize("text", ["We do not share usage data externally",
                                  "Weights are not released under an open license."])
def test_statements_of_practice_are_kept(text):
    assert not nothing_disclosed(text)
