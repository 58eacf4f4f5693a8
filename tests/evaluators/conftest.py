"""Fixtures for the evaluation library's tests: a seeded tiny model and a runner that keeps
every per-document record. Nothing here reaches the network or needs Django."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

# Context 64: documents of a few lines already need strided windows.
TINY_CONTEXT = 64


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny", seed=0,
                            context_length=TINY_CONTEXT)


@pytest.fixture(scope="session")
def tiny(tiny_model):
    """The tiny model and tokenizer, loaded once, for hand-written reference computations."""
    from evaluators.core.base import ModelRef
    from evaluators.core.loading import load_model

    return load_model(ModelRef(str(tiny_model)), device="cpu")


class Recorder:
    """Collects what an evaluator reports through its RunContext hooks."""

    def __init__(self) -> None:
        self.samples: dict[str, dict] = {}
        self.indices: dict[str, int] = {}
        self.progress: list[tuple[int, int]] = []
        self.environments: list[dict] = []

    def on_sample(self, key: str, index: int, record: dict) -> None:
        self.samples[key] = record
        self.indices[key] = index

    def context(self, model_dir: Path, rows: list[dict], done: dict | None = None, **params):
        from evaluators.core.base import ModelRef, RunContext
        from evaluators.perplexity import PerplexitySpec

        return RunContext(model=ModelRef(str(model_dir)), rows=rows, spec=PerplexitySpec(**params),
                          device="cpu", done=dict(done or {}), on_sample=self.on_sample,
                          on_progress=lambda d, t: self.progress.append((d, t)),
                          on_environment=self.environments.append)


def run_perplexity(model_dir: Path, rows: list[dict], done: dict | None = None,
                   **params) -> tuple[dict, Recorder]:
    """Return the evaluator's output and what it reported, for rows and spec parameters."""
    from evaluators import registry

    recorder = Recorder()
    output = registry.get("perplexity").run(recorder.context(model_dir, rows, done, **params))
    return output, recorder


SNIPPETS = [
    "def add(a, b):\n    return a + b\n",
    "The quick brown fox jumps over the lazy dog.",
    "  leading and trailing whitespace  \n",
    "café, naïve, 日本語 and an emoji 🦊 cost more bytes than characters",
    "x",
    "class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n" * 3,
    "for i in range(10):\n    print(i * i)\n" * 6,
    "A stitch in time saves nine. " * 12,
]


@pytest.fixture
def rows() -> list[dict]:
    """Documents of every size: one token, a sentence, and several context lengths long."""
    return [{"id": f"doc-{i}", "text": text} for i, text in enumerate(SNIPPETS)]
