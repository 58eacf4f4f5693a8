"""A precision sweep of perplexity: int8 against float32, its paired difference checked by hand from
the per-document records, and the command's JSON."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [{"id": f"doc{i}", "text": text} for i, text in enumerate([
    "def add(a, b):\n    return a + b\n",
    "class Stack:\n    def __init__(self):\n        self.items = []\n",
    "for i in range(10):\n    print(i * i)\n",
    "import os\npath = os.path.join('a', 'b')\n",
    "def is_even(n):\n    return n % 2 == 0\n",
    "values = [x for x in range(5) if x > 1]\n",
])]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("sweep") / "tiny", seed=2)


def test_int8_against_float32_is_a_small_difference_with_the_hand_computed_paired_interval(tiny):
    from evaluators.core.base import ModelRef
    from evaluators.core.stats import resample_indices
    from evaluators.sweep.compare import RESAMPLES, SEED
    from evaluators.sweep.run import run_sweep

    steps: list[str] = []
    result = run_sweep(evaluator="perplexity", model=ModelRef(str(tiny)), rows=DOCUMENTS, params={"batch_size": 2},
                       precisions=["float32", "int8"], device="cpu", on_step=steps.append)
    assert steps == ["perplexity at float32", "perplexity at int8"]
    reference, int8 = result["formats"]
    assert (result["reference"], reference["precision"], int8["resolved_precision"]) == ("float32", "float32", "int8")
    assert int8["weight_bytes"] < reference["weight_bytes"] and int8["shared_samples"] == 6

    # Rebuilt by hand: perplexity = exp(sum NLL / sum tokens) over each resample of the documents.
    records = {}
    for precision in ("float32", "int8"):
        from evaluators.core import registry
        from evaluators.core.base import RunContext

        seen: dict[str, dict] = {}
        entry = registry.get("perplexity")
        entry.run(RunContext(ModelRef(str(tiny)), DOCUMENTS, entry.make_spec({"batch_size": 2, "precision": precision}),
                             "cpu", on_sample=lambda key, index, record: seen.__setitem__(key, record)))
        records[precision] = [seen[row["id"]] for row in DOCUMENTS]

    def perplexity(rows, picks):
        return math.exp(math.fsum(rows[i]["nll"] for i in picks) / sum(rows[i]["tokens"] for i in picks))

    everything = range(len(DOCUMENTS))
    expected = perplexity(records["int8"], everything) - perplexity(records["float32"], everything)
    diffs = [perplexity(records["int8"], picks) - perplexity(records["float32"], picks)
             for chunk in resample_indices(len(DOCUMENTS), RESAMPLES, SEED) for picks in chunk]
    low, high = np.percentile(diffs, [2.5, 97.5])
    measured = int8["metrics"]["perplexity"]
    assert measured["diff"] == pytest.approx(expected, rel=1e-9)
    assert measured["ci"] == pytest.approx([low, high], rel=1e-9)
    # Small: int8 weights move this model's perplexity by well under one percent, but they move it.
    assert 0 < abs(expected) < 0.01 * measured["reference"]
    assert reference["reference"] and reference["metrics"]["perplexity"]["diff"] == 0
    assert reference["metrics"]["perplexity"]["ci"] is None and reference["changed_generations"] is None


def test_the_command_prints_each_format_and_refuses_params_naming_a_precision(tiny, tmp_path):
    data = tmp_path / "docs.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in DOCUMENTS[:3]), encoding="utf-8")
    command = [sys.executable, "-m", "evaluators", "sweep-precision", "--model", str(tiny), "--evaluator", "perplexity",
               "--data", str(data), "--precisions", "float32,bfloat16", "--no-speed", "--device", "cpu"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    output = json.loads(done.stdout)
    assert [f["precision"] for f in output["formats"]] == ["float32", "bfloat16"]
    assert output["formats"][1]["weight_bytes"] < output["formats"][0]["weight_bytes"]
    assert "sweep-precision: perplexity at bfloat16" in done.stderr
    refused = subprocess.run(command + ["--params", '{"precision": "int8"}'], cwd=REPO, capture_output=True, text=True)
    assert refused.returncode == 2 and "without precision" in refused.stderr
