"""Suggested transparency scores against the FMTI experts' scores.

For every developer report in the FMTI folder's May2024/reports and Dec2025/reports, a document is
made from its Disclosure texts (those that say nothing beyond "not disclosed", as
refusals.nothing_disclosed defines it, are dropped; where the Disclosure is empty but the Score
is 1, the Justification stands in), without indicator names, justifications or scores,
paragraphs shuffled with a fixed seed. Glassbox suggests scores for the edition's checklist; the
figures compare them with the report's Score column.

Honest split: per edition, developers sorted by name, every third held out (held_out()). The
score calibration is fitted on development developers only: each development developer is scored
with a calibration fitted on the other development developers (leave one out), held-out ones with
the calibration fitted on all of them (the one shipped, written by --write-calibration). Exemplars
and the indicator prior never include the developer being scored; the bench checks this.

Two diagnostics say where the disagreements come from: "matched to own indicator" is the share
of paragraphs the one-to-one matching gives to the indicator they were written for, and "with a
perfect matching" scores every developer again with each indicator matched to its own paragraph
(features recomputed, calibrations refitted the same way): what the score decision alone reaches.

The reports are not in the repository (only their scores are, under evaluators/transparency/data):
give the folder with --fmti DIR or GLASSBOX_FMTI_DIR, laid out as https://github.com/stanford-crfm/fmti
is; without either the bench says so and stops without figures.

Run: .venv/bin/python bench/transparency_bench.py --fmti DIR [--fake-embedder] [--write-calibration]
"""
from __future__ import annotations

import csv
import os
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from evaluators.transparency.agreement import cohen_kappa as kappa  # noqa: E402
from evaluators.transparency.refusals import nothing_disclosed  # noqa: E402

EDITIONS = {"May2024": "fmti-2024", "Dec2025": "fmti-2025"}
SEED = 2024
BASELINE_COSINE = 0.1  # plain TF-IDF baseline: a paragraph this close to the definition earns the point


def fmti_folder() -> Path | None:
    """Return the FMTI folder given by --fmti DIR or GLASSBOX_FMTI_DIR, or None when neither is set."""
    if "--fmti" in sys.argv[:-1]:
        return Path(sys.argv[sys.argv.index("--fmti") + 1])
    return Path(os.environ["GLASSBOX_FMTI_DIR"]) if os.environ.get("GLASSBOX_FMTI_DIR") else None


def held_out(developers: list[str]) -> set[str]:
    """Return the held-out developers: sorted by name, every third (the 3rd, 6th, ...)."""
    return {name for index, name in enumerate(sorted(developers)) if index % 3 == 2}


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


def figures(truth: list[int], guess: list[int], hits: int = 0, asked: int = 0) -> str:
    """Return one line of accuracy, precision, recall, kappa and evidence recall@3."""
    tp = sum(t and g for t, g in zip(truth, guess))
    accuracy = sum(t == g for t, g in zip(truth, guess)) / len(truth)
    precision = tp / max(1, sum(guess))
    recall = tp / max(1, sum(truth))
    line = (f"n={len(truth):4d} accuracy={accuracy:.3f} precision={precision:.3f} recall={recall:.3f} "
            f"kappa={kappa(truth, guess):.3f}")
    return line + (f" evidence_recall@3={hits / asked:.3f}" if asked else "")


def tfidf_baseline(checklist, text: str) -> list[int]:
    """Return the plain baseline's scores: 1 when some paragraph's TF-IDF cosine to the indicator's
    name and definition reaches BASELINE_COSINE."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        return [0] * len(checklist.indicators)
    queries = [f"{i.indicator}. {i.definition}" for i in checklist.indicators]
    vectors = TfidfVectorizer(stop_words="english").fit(paragraphs + queries)
    cosine = (vectors.transform(queries) @ vectors.transform(paragraphs).T).toarray()
    return [int(row.max() >= BASELINE_COSINE) for row in cosine]


def own_exemplars_used(bank, developer: str, spans: dict, text: str) -> tuple[int, int]:
    """Return (the developer's own exemplars kept, kept exemplars identical to one of its paragraphs)."""
    from evaluators.transparency.exemplars import developer_words

    keep = bank.keep_mask(developer)
    own = sum(k and bool(developer_words(developer) & developer_words(item.developer))
              for k, item in zip(keep, bank.items))
    paragraphs = {re.sub(r"\s+", " ", text[a:b]).strip() for a, b in spans.values()}
    same = sum(k and re.sub(r"\s+", " ", item.text).strip() in paragraphs for k, item in zip(keep, bank.items))
    return own, same


def perfect_matching(analysis, spans: dict, prior: list[float]):
    """Return the analysis with every indicator matched to its own paragraph, features recomputed."""
    from dataclasses import replace

    from evaluators.transparency.calibration import feature_rows

    first_passage = {passage.start: k for k, passage in enumerate(analysis.passages)}
    matched = {index: first_passage[start] for index, (start, _) in spans.items() if start in first_passage}
    return replace(analysis, matched=matched,
                   features=feature_rows(prior, matched, analysis.scores, analysis.passages))


def own_indicator_share(analysis, spans: dict) -> tuple[int, int]:
    """Return (paragraphs matched to the indicator they were written for, paragraphs)."""
    hits = sum(analysis.matched.get(index) is not None and analysis.passages[analysis.matched[index]].start == start
               for index, (start, _) in spans.items())
    return hits, len(spans)


def main() -> int:
    from evaluators.transparency.calibration import DATA_DIR, fit, indicator_prior
    from evaluators.transparency.checklists import builtin
    from evaluators.transparency.embedding import HashingEmbedder, cached_default_embedder
    from evaluators.transparency.exemplars import builtin_bank
    from evaluators.transparency.suggest import analyse, decide

    fmti = fmti_folder()
    if fmti is None:
        print("transparency bench skipped: it reads the FMTI developer reports, which the repository does not "
              "carry; give their folder with --fmti DIR or GLASSBOX_FMTI_DIR")
        return 0
    empty = [str(fmti / edition / "reports") for edition in EDITIONS
             if not any((fmti / edition / "reports").glob("*.csv"))]
    if empty:
        print(f"no developer reports (*.csv) in {' or '.join(empty)}", file=sys.stderr)
        return 2
    embedder = HashingEmbedder() if "--fake-embedder" in sys.argv else cached_default_embedder()
    for edition, name in EDITIONS.items():
        checklist, bank = builtin(name), builtin_bank(name)
        paths = sorted((fmti / edition / "reports").glob("*.csv"))
        developers = {path.name.split("_fmtransparencyreport")[0]: path for path in paths}
        held = held_out(list(developers))
        cases, leaks, same = {}, 0, 0
        for developer, path in developers.items():
            text, truth, spans = report_document(path)
            analysis = analyse(checklist, [(developer, text)], embedder, bank, developer)
            cases[developer] = (text, truth, spans, analysis,
                                perfect_matching(analysis, spans, indicator_prior(bank.name, len(checklist.indicators), developer)))
            own, identical = own_exemplars_used(bank, developer, spans, text)
            leaks, same = leaks + own, same + identical
        print(f"{edition} development: {', '.join(d for d in developers if d not in held)}")
        print(f"{edition} held out:    {', '.join(sorted(held))}")
        print(f"{edition} exemplars of the scored developer used: {leaks}; other developers' exemplars "
              f"identical to a scored paragraph: {same}")
        development = [d for d in developers if d not in held]

        def calibration(without: str | None, perfect: bool = False):
            pairs = [(cases[d][4 if perfect else 3].features, cases[d][1]) for d in development if d != without]
            return fit([r for f, _ in pairs for r in f], [s for _, t in pairs for s in t])

        shipped = calibration(None)
        if "--write-calibration" in sys.argv and not isinstance(embedder, HashingEmbedder):
            (DATA_DIR / f"{bank.name}-calibration.json").write_text(shipped.to_json(), encoding="utf-8")
        shipped_perfect = calibration(None, perfect=True)
        groups = {label: {"truth": [], "guess": [], "vote": [], "base": [], "perfect": [], "hits": 0, "asked": 0,
                          "own": 0, "paragraphs": 0}
                  for label in ("development", "held out")}
        for developer, (text, truth, spans, analysis, perfect) in cases.items():
            label = "held out" if developer in held else "development"
            result = decide(checklist, analysis, True, shipped if developer in held else calibration(developer))
            guess = [row["score"] for row in result["indicators"]]
            group = groups[label]
            group["truth"] += truth
            group["guess"] += guess
            ideal = decide(checklist, perfect, True,
                           shipped_perfect if developer in held else calibration(developer, perfect=True))
            group["perfect"] += [row["score"] for row in ideal["indicators"]]
            own, paragraphs = own_indicator_share(analysis, spans)
            group["own"], group["paragraphs"] = group["own"] + own, group["paragraphs"] + paragraphs
            group["vote"] += [row["score"] for row in decide(checklist, analysis, True, None)["indicators"]]
            group["base"] += tfidf_baseline(checklist, text)
            for index, (start, end) in spans.items():
                group["asked"] += 1
                group["hits"] += any(e["start"] == start and e["end"] == end
                                     for e in result["indicators"][index]["evidence"][:3])
            if label == "development":  # held-out developers are only ever reported as a group
                print(f"  {edition} {developer:34s} {figures(truth, guess)}")
        for label, g in groups.items():
            print(f"{edition} {label:11s} {figures(g['truth'], g['guess'], g['hits'], g['asked'])}")
            print(f"{edition} {label:11s}   exemplar vote, uncalibrated: {figures(g['truth'], g['vote'])}")
            print(f"{edition} {label:11s}   plain TF-IDF baseline:       {figures(g['truth'], g['base'])}")
            print(f"{edition} {label:11s}   with a perfect matching:     {figures(g['truth'], g['perfect'])}")
            print(f"{edition} {label:11s}   matched to own indicator:    {g['own'] / max(1, g['paragraphs']):.3f} "
                  f"of {g['paragraphs']} paragraphs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
