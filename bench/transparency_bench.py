"""Suggested transparency scores against the FMTI experts' scores.

For every developer report in ../shared/fmti/May2024/reports and Dec2025/reports, a document is
made from its Disclosure texts (those that only say nothing is disclosed are dropped; where the
Disclosure is empty but the Score is 1, the Justification stands in), without indicator names,
justifications or scores, paragraphs shuffled with a fixed seed. Glassbox suggests scores for the
edition's checklist; the figures compare them with the report's Score column. Developers in
DEVELOPMENT were looked at while the method was built; the others are reported apart, as held out.
For the built-in checklists Glassbox also compares passages with exemplars (passages FMTI experts
scored for other developers); the developer being scored never counts among its own exemplars.

Run: .venv/bin/python bench/transparency_bench.py [--fake-embedder]
"""
from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FMTI = REPO.parent / "shared" / "fmti"
from evaluators.transparency.agreement import cohen_kappa as kappa  # noqa: E402
from evaluators.transparency.build_data import nothing_disclosed  # noqa: E402

EDITIONS = {"May2024": "fmti-2024", "Dec2025": "fmti-2025"}
DEVELOPMENT = {"AI21_Labs", "Aleph_Alpha", "BigCode_Hugging_Face_ServiceNow", "Alibaba", "Amazon",
               "Anthropic", "DeepSeek", "Google"}
SEED = 2024


def report_document(path: Path) -> tuple[str, list[int], dict[int, tuple[int, int]]]:
    """Return (document text, expert scores by row, {row: (start, end) of its paragraph})."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    col = {name: header.index(name) for name in ("Disclosure", "Score", "Justification")}
    scores = [int(row[col["Score"]].strip()) for row in body]
    paragraphs = []
    for index, row in enumerate(body):
        text = row[col["Disclosure"]].strip()
        if not text and scores[index] == 1:
            text = row[col["Justification"]].strip()
        if not nothing_disclosed(text):
            # A paragraph is one block of text: inner blank lines would split it in two.
            paragraphs.append((index, re.sub(r"\s*\n\s*\n\s*", "\n", text)))
    random.Random(SEED).shuffle(paragraphs)
    text, spans = "", {}
    for index, paragraph in paragraphs:
        if text:
            text += "\n\n"
        spans[index] = (len(text), len(text) + len(paragraph))
        text += paragraph
    return text, scores, spans


def figures(truth: list[int], guess: list[int], hits: int, asked: int) -> str:
    """Return one line of accuracy, precision, recall, kappa and evidence recall@3."""
    tp = sum(t and g for t, g in zip(truth, guess))
    accuracy = sum(t == g for t, g in zip(truth, guess)) / len(truth)
    precision = tp / max(1, sum(guess))
    recall = tp / max(1, sum(truth))
    return (f"n={len(truth):4d} accuracy={accuracy:.3f} precision={precision:.3f} recall={recall:.3f} "
            f"kappa={kappa(truth, guess):.3f} evidence_recall@3={hits / max(1, asked):.3f}")


def main() -> int:
    from evaluators.transparency.checklists import builtin
    from evaluators.transparency.embedding import HashingEmbedder, default_embedder
    from evaluators.transparency.suggest import suggest

    embedder = HashingEmbedder() if "--fake-embedder" in sys.argv else default_embedder()
    for edition, name in EDITIONS.items():
        checklist = builtin(name)
        groups = {"development": [[], [], 0, 0], "held out": [[], [], 0, 0]}
        for path in sorted((FMTI / edition / "reports").glob("*.csv")):
            developer = path.name.split("_fmtransparencyreport")[0]
            text, truth, spans = report_document(path)
            result = suggest(checklist, [(developer, text)], embedder=embedder, exclude_developer=developer)
            guess = [row["score"] for row in result["indicators"]]
            group = groups["development" if developer in DEVELOPMENT else "held out"]
            group[0] += truth
            group[1] += guess
            for index, (start, end) in spans.items():
                group[3] += 1
                group[2] += any(e["start"] == start and e["end"] == end
                                for e in result["indicators"][index]["evidence"][:3])
            print(f"  {edition} {developer:34s} {figures(truth, guess, 0, 0)[:80]}")
        for label, (truth, guess, hits, asked) in groups.items():
            print(f"{edition} {label:11s} {figures(truth, guess, hits, asked)}")
        every = [sum((g[i] for g in groups.values()), [] if i < 2 else 0) for i in range(4)]
        print(f"{edition} {'all':11s} {figures(*every)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
