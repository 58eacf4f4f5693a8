"""Fixtures for the code-generation tests: a seeded tiny model, small tasks, and a runner that
keeps what the evaluator reports. Nothing here reaches the network."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

TINY_CONTEXT = 128

TASKS = [
    {"id": "add", "prompt": "def add(a, b):\n", "references": ["    return a + b\n"], "lang": "python"},
    {"id": "square", "prompt": "def square(x):\n    \"\"\"Return x squared.\"\"\"\n",
     "references": ["    return x * x\n", "    return x ** 2\n"], "lang": "python"},
    {"id": "loop", "prompt": "for i in range(10):\n", "references": ["    print(i * i)\n"], "lang": "python"},
    {"id": "point", "prompt": "class Point:\n    def __init__(self, x, y):\n",
     "references": ["        self.x = x\n        self.y = y\n"], "lang": "python"},
    {"id": "fox", "prompt": "# The quick brown fox\n", "references": ["print('fox')\n"], "lang": "python"},
]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("codegen-models") / "tiny", seed=0,
                            context_length=TINY_CONTEXT)


@pytest.fixture(scope="session")
def tiny(tiny_model):
    from evaluators.core.base import ModelRef
    from evaluators.core.loading import load_model

    return load_model(ModelRef(str(tiny_model)), device="cpu")


def _fake_samples(predictions, references, lang):
    # Token overlap stands in for CodeBLEU while the real metrics are not there yet.
    out = []
    for prediction, refs in zip(predictions, references):
        best = max(len(set(prediction.split()) & set(r.split())) / max(1, len(set(r.split()))) for r in refs)
        out.append({"codebleu": best, "bleu": 100 * best,
                    "exact_match": float(any(prediction.split() == r.split() for r in refs))})
    return out


def _fake_corpus(predictions, references, lang):
    scores = _fake_samples(predictions, references, lang)
    names = ("bleu", "bleu_codexglue", "codebleu", "ngram_match", "weighted_ngram_match",
             "syntax_match", "dataflow_match", "exact_match", "exact_match_strict")
    result = {"n": len(scores), "bleu_signature": "fake"}
    for name in names:
        key = name if name in scores[0] else "codebleu"
        value = sum(s[key] for s in scores) / len(scores)
        result[name], result[name + "_ci"] = value, [value, value]
    return result


@pytest.fixture
def metrics(monkeypatch):
    """The real code metrics when they are implemented, else a stand-in with the same shape."""
    from evaluators import codemetrics

    try:
        codemetrics.score_samples(["x = 1\n"], [["x = 1\n"]], "python")
    except NotImplementedError:
        monkeypatch.setattr(codemetrics, "score_samples", _fake_samples)
        monkeypatch.setattr(codemetrics, "score_corpus", _fake_corpus)
    return codemetrics


class Recorder:
    """Collects what the evaluator reports through its RunContext hooks."""

    def __init__(self) -> None:
        self.samples: dict[str, dict] = {}
        self.indices: dict[str, int] = {}
        self.progress: list[tuple[int, int]] = []

    def on_sample(self, key: str, index: int, record: dict) -> None:
        self.samples[key] = record
        self.indices[key] = index


def run_codegen(model_dir: Path, rows: list[dict], done: dict | None = None, **params):
    """Return the codegen evaluator's output and its Recorder for these rows and parameters."""
    from evaluators import registry
    from evaluators.core.base import ModelRef, RunContext

    evaluator = registry.get("codegen")
    recorder = Recorder()
    params.setdefault("max_new_tokens", 12)
    context = RunContext(model=ModelRef(str(model_dir)), rows=rows, spec=evaluator.make_spec(params),
                         device="cpu", done=dict(done or {}), on_sample=recorder.on_sample,
                         on_progress=lambda d, t: recorder.progress.append((d, t)))
    return evaluator.run(context), recorder
