"""Out of memory during a batch: the evaluator halves the batch, continues, and says so."""
from __future__ import annotations

import json

import pytest

from evaluators.core import oom
from evaluators.core.base import EvaluationError
from evaluators.core.oom import BatchBackoff


@pytest.fixture
def inject(monkeypatch):
    def at(call: int) -> None:
        monkeypatch.setattr(oom, "_calls", 0)
        monkeypatch.setenv("GLASSBOX_INJECT_OOM", str(call))
    return at


def test_the_batch_halves_until_it_fits_and_stays_there():
    import torch

    sizes = []

    def score(size: int) -> int:
        sizes.append(size)
        if size > 2:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return size

    backoff = BatchBackoff(8)
    assert backoff.call(score) == 2 and sizes == [8, 4, 2]
    assert backoff.call(score) == 2 and sizes[-1] == 2  # later batches start at the size that fitted
    assert backoff.warnings == ["out of memory at batch size 8; continued at batch size 4",
                                "out of memory at batch size 4; continued at batch size 2"]


def test_other_errors_pass_through_and_batch_one_gives_up_clearly():
    import torch

    with pytest.raises(ValueError):
        BatchBackoff(4).call(lambda size: (_ for _ in ()).throw(ValueError("bad input")))
    with pytest.raises(EvaluationError, match="out of memory even at batch size 1"):
        BatchBackoff(1).call(lambda size: (_ for _ in ()).throw(torch.OutOfMemoryError("CUDA out of memory")))
    assert oom.is_out_of_memory(RuntimeError("CUDA error: out of memory"))
    assert not oom.is_out_of_memory(RuntimeError("shape mismatch"))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("oom") / "tiny", seed=0)


def _perplexity(capsys, tiny, data, batch_size: int) -> dict:
    from evaluators.__main__ import main

    code = main(["perplexity", "--model", str(tiny), "--data", str(data), "--device", "cpu",
                 "--batch-size", str(batch_size), "--max-length", "32", "--stride", "16"])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def test_an_injected_oom_mid_run_gives_the_same_perplexity_and_a_warning(capsys, tmp_path, tiny, inject):
    data = tmp_path / "docs.jsonl"
    data.write_text("".join(json.dumps({"id": f"d{i}", "text": f"def f{i}(x):\n    return x * {i}\n" * (1 + i % 3)})
                            + "\n" for i in range(12)), encoding="utf-8")
    inject(0)  # no fault
    clean = _perplexity(capsys, tiny, data, batch_size=4)
    inject(1)  # the first scoring call fails once
    recovered = _perplexity(capsys, tiny, data, batch_size=4)
    assert recovered["warnings"] == ["out of memory at batch size 4; continued at batch size 2"]
    assert "warnings" not in clean
    assert recovered["perplexity"] == pytest.approx(clean["perplexity"], rel=1e-6)
    assert recovered["tokens"] == clean["tokens"]


def test_codegen_recovers_with_the_same_greedy_text(tmp_path, tiny, inject):
    from evaluators.core.base import ModelRef, RunContext
    from evaluators.codegen import EVALUATOR

    rows = [{"id": f"t{i}", "prompt": f"def f{i}(x):\n", "references": [f"    return x + {i}\n"], "lang": "python"}
            for i in range(6)]
    runs = []
    for fault in (0, 1):
        inject(fault)
        records = {}
        context = RunContext(model=ModelRef(str(tiny)), rows=rows, device="cpu",
                             spec={"max_new_tokens": 8, "batch_size": 4},
                             on_sample=lambda key, index, data, records=records: records.__setitem__(key, data))
        runs.append((EVALUATOR.run(context), records))
    (clean, clean_records), (recovered, recovered_records) = runs
    assert recovered["warnings"] == ["out of memory at batch size 4; continued at batch size 2"]
    assert {k: r["generation"] for k, r in recovered_records.items()} == \
        {k: r["generation"] for k, r in clean_records.items()}
    assert recovered["codebleu"] == clean["codebleu"]
