"""Fixtures for the TruthfulQA tests: the seeded tiny model (in float32 as runs load it, and in
float64 for checks to 1e-6), the sample files, and a hand-written token-by-token scorer. No network."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "truthfulqa"  # see its SOURCE.md
FULL_CSV = Path(__file__).resolve().parents[2] / "evaluators" / "data" / "truthfulqa" / "TruthfulQA.csv"
# The six-shot prompt and the tiny tokenizer make every sequence about 520-580 tokens, so at 512
# positions every one is cut from the left and at 560 some are.
TINY_CONTEXT = 512


def csv_lines(*rows: int) -> str:
    """Return the full CSV's header and the given data rows (0-based) as a CSV text."""
    text = FULL_CSV.read_text(encoding="utf-8")
    lines = text.split("\n")
    return "\n".join([lines[0], *(lines[1 + row] for row in rows)]) + "\n"


def hf_line(question: str, mc1: dict, mc2: dict, **extra) -> str:
    """One Hugging Face form line from {answer: label} objects."""
    return json.dumps({"question": question, **extra,
                       "mc1_targets": {"choices": list(mc1), "labels": list(mc1.values())},
                       "mc2_targets": {"choices": list(mc2), "labels": list(mc2.values())}})


def first_csv_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO((DATA / "TruthfulQA-first5.csv").read_text(encoding="utf-8"))))


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("truthfulqa-models") / "tiny", seed=0,
                            context_length=TINY_CONTEXT)


@pytest.fixture(scope="session")
def tiny64(tiny_model):
    """The tiny model in float64 (an exact upcast of its float32 weights)."""
    import torch

    from evaluators.core.base import ModelRef
    from evaluators.core.loading import load_model

    loaded = load_model(ModelRef(str(tiny_model)), device="cpu")
    loaded.model.to(torch.float64)
    return loaded


def reference_logprobs(model, ids: list[int], first: int) -> list[float]:
    """log p(ids[t] | ids[:t]) for t >= first: one forward pass per token, no batching, no padding."""
    import torch

    values = []
    with torch.no_grad():
        for t in range(first, len(ids)):
            logits = model(input_ids=torch.tensor([ids[:t]])).logits[0, -1]
            values.append(float(torch.log_softmax(logits.double(), dim=-1)[ids[t]]))
    return values


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    """The CI machine's two cores are shared: one thread per forward pass of a tiny model is
    faster there than two contending ones. Restored afterwards."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
