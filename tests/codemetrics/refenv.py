"""Returns scores from the `codebleu` package, run in its own virtual environment.

The package pins tree-sitter 0.22 and the 0.21-era grammar wheels, which cannot live next to
our tree-sitter 0.26, so it gets a separate venv (built once, cached under
$GLASSBOX_REFENV or /tmp/glassbox-refenv) and runs in a subprocess with PYTHONHASHSEED=0 —
its data-flow score otherwise changes from run to run. Used by the tests and by
bench/codebleu_bench.py; `reference_python()` returns None when the venv cannot be built
(no network), and callers skip.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

PINS = ("codebleu==0.7.0", "tree-sitter==0.22.3",
        "tree-sitter-python==0.21.0", "tree-sitter-java==0.21.0", "tree-sitter-javascript==0.21.4",
        "tree-sitter-go==0.21.2", "tree-sitter-c==0.21.4", "tree-sitter-cpp==0.22.3",
        "tree-sitter-c-sharp==0.21.3", "tree-sitter-php==0.22.8", "tree-sitter-ruby==0.21.0",
        "tree-sitter-rust==0.21.2")

# Reads {"lang", "predictions", "references", "per_sample", "ordered_sets", "ours"} on stdin,
# prints {"scores", "seconds", "cpu_seconds"}. "ordered_sets" swaps the package's set() for an insertion-ordered
# one (so its data flow stops depending on the hash seed); "ours" runs our own CodeBLEU modules
# on the package's grammars instead — both exist to show where the two differ and why.
_RUNNER = r"""
import json, sys, time, types
job = json.load(sys.stdin)
if job.get("ours"):
    for name, path in (("evaluators", job["repo"] + "/evaluators"),
                       ("evaluators.codemetrics", job["repo"] + "/evaluators/codemetrics")):
        module = types.ModuleType(name)
        module.__path__ = [path]
        sys.modules[name] = module
    from evaluators.codemetrics.codebleu import CodeBleuScorer, components, sum_stats

    def calc_codebleu(references, predictions, lang):
        scorer = CodeBleuScorer(lang)
        refs = [r if isinstance(r, list) else [r] for r in references]
        out = components(**sum_stats(scorer.corpus_stats(predictions, refs)))
        return {"codebleu": out["codebleu"], "ngram_match_score": out["ngram_match"],
                "weighted_ngram_match_score": out["weighted_ngram_match"],
                "syntax_match_score": out["syntax_match"], "dataflow_match_score": out["dataflow_match"]}
else:
    from codebleu import calc_codebleu
    if job.get("ordered_sets"):
        import codebleu.dataflow_match, codebleu.parser.DFG

        class OrderedSet(dict):
            def __init__(self, items=()):
                super().__init__((item, None) for item in items)

            def add(self, item):
                self[item] = None

        codebleu.dataflow_match.set = OrderedSet
        codebleu.parser.DFG.set = OrderedSet
start, cpu = time.perf_counter(), time.process_time()
if job.get("per_sample"):
    out = [calc_codebleu([r], [p], lang=job["lang"]) for p, r in zip(job["predictions"], job["references"])]
else:
    out = calc_codebleu(job["references"], job["predictions"], lang=job["lang"])
print(json.dumps({"scores": out, "seconds": time.perf_counter() - start,
                  "cpu_seconds": time.process_time() - cpu}))
"""
REPO = Path(__file__).resolve().parents[2]


def _venv_dir() -> Path:
    return Path(os.environ.get("GLASSBOX_REFENV", "/tmp/glassbox-refenv"))


def reference_python() -> Path | None:
    """Return the reference venv's python, building the venv first if needed; None on failure."""
    venv = _venv_dir()
    python = venv / "bin" / "python"
    stamp = venv / ".glassbox-pins"
    wanted = "\n".join(PINS)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    lock = venv.with_suffix(".lock")
    try:
        venv.parent.mkdir(parents=True, exist_ok=True)
        # One builder at a time (pytest-xdist, a bench run in parallel): wait for its lock.
        for _ in range(600):
            try:
                fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                os.close(fd)
                break
            except FileExistsError:
                if stamp.exists() and stamp.read_text() == wanted:
                    return python
                time.sleep(1)
        try:
            if not python.exists():
                subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True,
                               capture_output=True, timeout=300)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PINS], check=True,
                           capture_output=True, timeout=900)
            stamp.write_text(wanted)
        finally:
            lock.unlink(missing_ok=True)
        return python
    except (OSError, subprocess.SubprocessError):
        return None


def package_scores(python: Path, lang: str, predictions: list[str], references: list[list[str]],
                   per_sample: bool = False, ordered_sets: bool = False,
                   ours: bool = False) -> tuple[object, dict]:
    """Return (scores, {"seconds", "cpu_seconds"} spent scoring) from the reference venv, for one corpus or per
    sample: the package's own, the package's with insertion-ordered sets, or ours on its grammars."""
    job = json.dumps({"lang": lang, "predictions": predictions, "references": references,
                      "per_sample": per_sample, "ordered_sets": ordered_sets, "ours": ours,
                      "repo": str(REPO)})
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PYTHONPATH", None)
    if ours:
        # Our modules on the package's old grammars: the compiled path is built against the
        # current tree-sitter and must not stand in for the Python code being compared.
        env["GLASSBOX_CODEBLEU_NATIVE"] = "0"
    result = subprocess.run([str(python), "-c", _RUNNER], input=job, capture_output=True,
                            text=True, env=env, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"the reference run failed: {result.stderr[-2000:]}")
    out = json.loads(result.stdout.strip().splitlines()[-1])
    return out["scores"], {"seconds": out["seconds"], "cpu_seconds": out["cpu_seconds"]}
