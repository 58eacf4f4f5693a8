"""`python -m evaluators.transparency.build_data FMTI_DIR`: write the built-in checklists and
the official FMTI scores into data/, from the FMTI files as published (the data of
https://github.com/stanford-crfm/fmti, in FMTI_DIR).

Run once; its output is committed, so the product never reads FMTI_DIR at run time. The
definitions and notes are written here, in this project's words, from each indicator's name and
place; FMTI's own definition text is not copied. Keywords are single terms drawn from the
indicator's name, FMTI's 2023 keyword list and the most frequent terms of its definition.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

from .checklists import DATA_DIR, Checklist, Indicator, read, to_json
from .refusals import nothing_disclosed

EDITIONS = {  # checklist name -> (indicator list, scores file, FMTI edition label)
    "fmti-2023": ("fmti-indicators.csv", "October2023/October2023_scores.csv", "October 2023 (v1.0)"),
    "fmti-2024": ("fmti-indicators.csv", "May2024/May2024_scores.csv", "May 2024 (v1.1)"),
    "fmti-2025": ("Dec2025/Dec2025_indicators.csv", "Dec2025/Dec2025_scores.csv", "December 2025"),
}
ATTRIBUTION = ("Domains, subdomains and indicator names: Foundation Model Transparency Index "
               "(Bommasani, Klyman, et al., Stanford CRFM; 2025 edition Wan, Klyman, et al.), "
               "CC BY 4.0, https://github.com/stanford-crfm/fmti. Definitions and notes: Glassbox's own wording.")
BANK_ATTRIBUTION = ("Disclosures and scoring justifications quoted from the Foundation Model Transparency "
                    "Index data (Stanford CRFM), CC BY 4.0, https://github.com/stanford-crfm/fmti.")
STOP = set("""a about above across after all also an and any are as at be been being both but by can
could data developer developers disclose disclosed disclosure does do each e.g eg etc for from has
have how i ie ii iii if in include includes including information into is it its iv may model models
more most must no not of on or other our should some such than that the their them there these they
this those to under us used uses using v vi vii was we were what when where whether which while who
will with within would you your one two per point award receive""".split())


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z][a-z\-]+", text.lower()) if w not in STOP and len(w) > 2]


def _keywords(row: dict, extra: list[str]) -> list[str]:
    terms = list(dict.fromkeys(_words(row["indicator"]) + [k.lower() for k in extra]))
    common = Counter(_words(row.get("definition", "") + " " + row.get("notes", "")))
    terms += [w for w, _ in common.most_common(30) if w not in terms]
    return terms[:24]


def _own_words(indicator: Indicator, edition: str) -> tuple[str, str]:
    name = indicator.indicator[0].lower() + indicator.indicator[1:]
    definition = (f"Does the public documentation of the developer's flagship model disclose its "
                  f"{name}? (Domain {indicator.domain}, subdomain {indicator.subdomain}.)")
    notes = ("Score 1 when a document states this specifically enough that an outside reader could "
             "check it; a vague statement, a promise or a pointer to nothing specific scores 0. "
             f"The FMTI {edition} paper gives the authoritative criteria for this indicator.")
    return definition, notes


def _keyword_file(fmti: Path) -> list[list[str]]:
    with open(fmti / "October2023" / "fmti-keywords.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [[cell.strip() for cell in row[3:] if cell.strip()] for row in rows]


def build_checklist(fmti: Path, name: str) -> Checklist:
    """Return a built-in checklist made from the official indicator list."""
    listing, _, edition = EDITIONS[name]
    official = read(fmti / listing, name)
    extra = _keyword_file(fmti) if listing == "fmti-indicators.csv" else [[]] * len(official.indicators)
    items = []
    for item, words in zip(official.indicators, extra):
        definition, notes = _own_words(item, edition)
        items.append(Indicator(item.domain, item.subdomain, item.indicator, definition, notes,
                               tuple(_keywords(item.as_dict(), words))))
    return Checklist(name=name, indicators=tuple(items), title=f"FMTI {edition}", source=ATTRIBUTION)


def read_scores(path: Path, count: int) -> dict:
    """Return {"developers": {name: [scores by row]}, "totals": {name: published total or None}}."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    first = header.index("Indicator") + 1
    names = [h.strip() for h in header[first:] if h.strip() and h.strip() != "Total"]
    indicator_rows = body[:count]
    total_row = next((r for r in body[count:] if "Total" in [c.strip() for c in r[:first]]), None)
    developers = {n: [int(r[first + i]) for r in indicator_rows] for i, n in enumerate(names)}
    totals = {n: (int(total_row[first + i]) if total_row else None) for i, n in enumerate(names)}
    return {"developers": developers, "totals": totals}


def report_exemplars(folder: Path) -> list[dict]:
    """Return the scored disclosures of every developer report in a folder."""
    items = []
    for path in sorted(folder.glob("*_fmtransparencyreport_*.csv")):
        developer = path.name.split("_fmtransparencyreport")[0].replace("_", " ")
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        column = {name: rows[0].index(name) for name in ("Disclosure", "Score", "Justification")}
        for position, row in enumerate(rows[1:]):
            score = int(row[column["Score"]])
            text = row[column["Disclosure"]].strip() or (row[column["Justification"]].strip() if score else "")
            if not nothing_disclosed(text):
                items.append({"position": position, "text": text, "score": score, "developer": developer})
    return items


def justification_exemplars(path: Path) -> list[dict]:
    """Return the 2023 scoring justifications that describe something found."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return [{"position": int(r["indicator_number"]) - 1, "text": r["justification"].strip(),
             "score": int(r["score"]), "developer": r["developer"]}
            for r in rows if r["justification"].strip() and not r["justification"].lower().startswith("no information")]


def write_embeddings(name: str, texts: list[str]) -> None:
    """Store the exemplars' MiniLM embeddings (float16), so suggestions need not embed them each run."""
    import numpy as np

    from .embedding import default_embedder

    vectors = default_embedder().encode(texts)
    np.save(DATA_DIR / f"{name}-exemplars.npy", np.asarray(vectors, dtype=np.float16))


def main(argv: list[str] | None = None) -> int:
    """Write data/<checklist>.json and data/fmti-scores.json; return the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m evaluators.transparency.build_data FMTI_DIR", file=sys.stderr)
        return 2
    fmti = Path(args[0])
    DATA_DIR.mkdir(exist_ok=True)
    scores = {}
    for name, (_, score_file, edition) in EDITIONS.items():
        checklist = build_checklist(fmti, name)
        (DATA_DIR / f"{name}.json").write_text(to_json(checklist), encoding="utf-8")
        scores[name] = {"edition": edition, **read_scores(fmti / score_file, len(checklist.indicators))}
    banks = {"fmti-2024": justification_exemplars(fmti / "derived" / "October2023_justifications_extracted.csv")
             + report_exemplars(fmti / "May2024" / "reports"),
             "fmti-2025": report_exemplars(fmti / "Dec2025" / "reports")}
    for name, items in banks.items():
        (DATA_DIR / f"{name}-exemplars.json").write_text(
            json.dumps({"source": BANK_ATTRIBUTION, "exemplars": items}, ensure_ascii=False) + "\n", encoding="utf-8")
        write_embeddings(name, [item["text"] for item in items])
    (DATA_DIR / "fmti-scores.json").write_text(json.dumps(scores, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(EDITIONS)} checklists and the official scores to {DATA_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
