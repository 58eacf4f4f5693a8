"""Prints CodeBLEU over >= 2,000 Python samples: ours vs the `codebleu` package, seconds and ratio.

Samples are built deterministically from the local standard library: each reference is a
top-level function from a stdlib module, and its prediction a lightly mutated copy (a renamed
variable, a dropped or duplicated line, a flipped operator, a changed constant; some left
as they are). The package runs in its own virtualenv (tests/codemetrics/refenv.py) with
PYTHONHASHSEED=0. Times are CPU seconds of the scoring call alone, each side in its own process
(the package's measured inside its process); --repeat N keeps the fastest of N runs of each.
Ours is timed on the compiled path (native.py) when it is built and again on the pure-Python
path, which must give the same scores.
Run: .venv/bin/python bench/codebleu_bench.py [--samples N] [--repeat N]
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import random
import re
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KEYS = ("codebleu", "ngram_match", "weighted_ngram_match", "syntax_match", "dataflow_match")


def stdlib_functions(limit: int) -> list[str]:
    """Return up to `limit` source texts of top-level stdlib functions of 4-40 lines, in file order."""
    root = Path(sysconfig.get_paths()["stdlib"])
    found: list[str] = []
    for path in sorted(root.glob("*.py")):
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and 4 <= node.end_lineno - node.lineno + 1 <= 40:
                segment = ast.get_source_segment(source, node)
                if segment:
                    found.append(segment)
                    if len(found) == limit:
                        return found
    return found


def mutate(code: str, rng: random.Random) -> str:
    """Return a lightly edited copy of `code` (1-3 edits chosen by rng)."""
    for _ in range(rng.randint(1, 3)):
        lines = code.split("\n")
        choice = rng.randrange(6)
        if choice == 0:
            names = sorted(set(re.findall(r"\b([a-z_][a-z0-9_]{1,})\s*=(?!=)", code)))
            if names:
                name = rng.choice(names)
                code = re.sub(rf"\b{re.escape(name)}\b", name + "_v", code)
        elif choice == 1 and len(lines) > 2:
            del lines[rng.randrange(1, len(lines))]
            code = "\n".join(lines)
        elif choice == 2 and len(lines) > 1:
            i = rng.randrange(1, len(lines))
            lines.insert(i, lines[i])
            code = "\n".join(lines)
        elif choice == 3:
            code = code.replace(" + ", " - ", 1) if " + " in code else code.replace(" == ", " != ", 1)
        elif choice == 4:
            code = re.sub(r"\b(\d+)\b", lambda m: str(int(m.group(1)) + 1), code, count=1)
    return code


def build_samples(n: int) -> tuple[list[str], list[list[str]]]:
    """Return (predictions, references) for n samples (functions are reused if the stdlib is small)."""
    functions = stdlib_functions(n)
    predictions, references = [], []
    for i in range(n):
        reference = functions[i % len(functions)]
        predictions.append(mutate(reference, random.Random(i)))
        references.append([reference])
    return predictions, references


@contextlib.contextmanager
def pure_python():
    """Score on the pure-Python path inside this process, as GLASSBOX_CODEBLEU_NATIVE=0 would."""
    from evaluators.codemetrics import codebleu, comments

    saved = codebleu.native_analyser, comments.strip_python
    codebleu.native_analyser, comments.strip_python = (lambda lang: None), (lambda source: None)
    try:
        yield
    finally:
        codebleu.native_analyser, comments.strip_python = saved


def _named(scores: dict) -> dict:
    return {k: scores[k if k == "codebleu" else k + "_score"] for k in KEYS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each side this many times and keep the fastest (a busy machine)")
    args = parser.parse_args()
    from evaluators.codemetrics.codebleu import CodeBleuScorer, components, sum_stats
    from evaluators.codemetrics.native import native_module
    from tests.codemetrics.refenv import package_scores, reference_python

    predictions, references = build_samples(args.samples)

    def score_ours() -> tuple[dict, float, float]:
        """Return (scores, CPU seconds, wall seconds), the fastest of --repeat runs."""
        best_wall = best_cpu = float("inf")
        for _ in range(max(1, args.repeat)):
            start, cpu = time.perf_counter(), time.process_time()
            scorer = CodeBleuScorer("python")  # a new scorer each time: nothing cached from the last
            scores = components(**sum_stats(scorer.corpus_stats(predictions, references)))
            best_wall = min(best_wall, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - cpu)
            del scorer
        return scores, best_cpu, best_wall

    print(f"codebleu bench: {len(predictions)} Python samples (stdlib functions vs mutated copies)")
    compiled = native_module() is not None
    ours, ours_cpu, ours_seconds = score_ours()
    print(f"  ours ({'compiled path' if compiled else 'pure Python: the extension is not built'}): "
          f"{ours_cpu:6.2f} s CPU ({ours_seconds:.2f} s wall)   "
          + "  ".join(f"{k}={ours[k]:.6f}" for k in KEYS))
    pure_cpu = None
    if compiled:
        with pure_python():
            pure, pure_cpu, pure_seconds = score_ours()
        print(f"  ours (pure Python, GLASSBOX_CODEBLEU_NATIVE=0): {pure_cpu:6.2f} s CPU "
              f"({pure_seconds:.2f} s wall)   same scores: {pure == ours}")
        assert pure == ours, f"the compiled and Python paths disagree: {ours} vs {pure}"
    python = reference_python()
    if python is None:
        print("  codebleu package: skipped (its virtualenv could not be built; no network?)")
        return 0
    theirs, timing = package_scores(python, "python", predictions, references)
    for _ in range(max(1, args.repeat) - 1):  # a new process each time
        again = package_scores(python, "python", predictions, references)[1]
        timing = {key: min(timing[key], again[key]) for key in timing}
    theirs = _named(theirs)
    print(f"  package:   {timing['cpu_seconds']:6.2f} s CPU ({timing['seconds']:.2f} s wall)   "
          + "  ".join(f"{k}={theirs[k]:.6f}" for k in KEYS))
    # CPU seconds: steadier than wall time on a shared machine; one process each.
    print(f"  speed-up:  {timing['cpu_seconds'] / ours_cpu:.1f}x CPU, "
          f"{timing['seconds'] / ours_seconds:.1f}x wall"
          + (f"  (pure Python: {timing['cpu_seconds'] / pure_cpu:.1f}x CPU)" if pure_cpu else ""))
    print("  max |ours - package|: " + f"{max(abs(ours[k] - theirs[k]) for k in KEYS):.2e}  ("
          + ", ".join(f"{k} {abs(ours[k] - theirs[k]):.1e}" for k in KEYS) + ")")
    # Where the differences come from: run our modules on the package's own (older) grammars
    # and the package with an insertion-ordered set(); these two agree exactly when the only
    # differences are the grammar versions and the package's hash-seed-dependent set order.
    same_grammar = _named(package_scores(python, "python", predictions, references, ours=True)[0])
    ordered = _named(package_scores(python, "python", predictions, references, ordered_sets=True)[0])
    print("  ours on the package's grammars vs the package with ordered sets: max |difference| "
          f"{max(abs(same_grammar[k] - ordered[k]) for k in KEYS):.2e}")
    print("  grammar versions alone move: " + ", ".join(
        f"{k} {abs(ours[k] - same_grammar[k]):.1e}" for k in KEYS))
    print("  the package's set order alone moves: " + ", ".join(
        f"{k} {abs(theirs[k] - ordered[k]):.1e}" for k in KEYS))
    # What agreed must keep agreeing: the n-gram scores with the package's own, and every score
    # with the package's once grammars and set order are the same.
    for k in ("ngram_match", "weighted_ngram_match"):
        assert abs(ours[k] - theirs[k]) <= 1e-9, f"{k}: ours {ours[k]!r}, package {theirs[k]!r}"
    for k in KEYS:
        assert abs(same_grammar[k] - ordered[k]) <= 1e-9, f"{k} on the package's grammars: " \
            f"ours {same_grammar[k]!r}, package with ordered sets {ordered[k]!r}"
    return 0


if __name__ == "__main__":
    sys.exit(main())
