"""The passk evaluator end to end on a tiny seeded model: it generates n completions per problem,
executes them in the sandbox, and reports pass@k, CodeBLEU and their agreement; a resumed run
skips the problems already executed and ends with the same numbers."""
from __future__ import annotations

import pytest

from evaluators import registry
from evaluators.core.base import ModelRef, RunContext
from evaluators.core.specs import SpecError

pytestmark = pytest.mark.usefixtures("sandbox_ready")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("passk-model") / "tiny", seed=0, context_length=1024)


def _context(model, rows, spec, done=None, on_sample=None):
    return RunContext(model=ModelRef(str(model)), rows=rows, spec=spec, device="cpu", done=done or {},
                      on_sample=on_sample or (lambda key, index, record: None))


def test_a_random_model_passes_nothing_and_says_how_each_sample_failed(tiny_model, humaneval):
    rows = [{"id": p["task_id"], **p} for p in humaneval[:3]]
    recorded = {}
    output = registry.get("passk").run(_context(
        tiny_model, rows, {"n": 2, "k": [1, 2], "max_new_tokens": 8, "batch_size": 2},
        on_sample=lambda key, index, record: recorded.setdefault(key, record)))
    assert list(recorded) == ["HumanEval/0", "HumanEval/1", "HumanEval/2"]
    for record in recorded.values():
        assert record["n"] == 2 and len(record["completions"]) == 2 and len(record["codebleu"]) == 2
        assert all(status.startswith("failed: ") or status in ("timed out", "out of memory")
                   for status in record["outcomes"])
        assert record["c"] == 0
    assert (output["pass@1"], output["pass@2"], output["pass@1_ci"]) == (0.0, 0.0, [0.0, 0.0])
    assert output["n_problems"] == 3 and output["n_samples"] == 6
    assert 0.0 <= output["codebleu"] <= 1.0 and output["codebleu_n"] == 3


def test_a_resumed_run_skips_done_problems(tiny_model, humaneval, monkeypatch):
    rows = [{"id": p["task_id"], **p} for p in humaneval[:2]]
    spec = {"n": 1, "k": [1], "max_new_tokens": 8}
    first = {}
    full = registry.get("passk").run(_context(tiny_model, rows, spec,
                                              on_sample=lambda key, index, record: first.setdefault(key, record)))
    executed = []
    from evaluators.passk import scoring

    original = scoring.run_programs
    monkeypatch.setattr(scoring, "run_programs", lambda programs, *a, **k: executed.extend(programs) or original(programs, *a, **k))
    resumed = registry.get("passk").run(_context(tiny_model, rows, spec, done={"HumanEval/0": first["HumanEval/0"]}))
    assert len(executed) == 1                                   # only HumanEval/1 ran again
    assert resumed["pass@1"] == full["pass@1"] and resumed["n_samples"] == full["n_samples"]


def test_greedy_uses_one_sample_and_k_cannot_exceed_n():
    passk = registry.get("passk")
    with pytest.raises(SpecError, match="k: pass@10 needs n of at least 10, got n=1"):
        passk.make_spec({"k": [1, 10]})
    with pytest.raises(SpecError, match="k: 3 is not one of 1, 2, 5, 10, 20, 50, 100"):
        passk.make_spec({"n": 5, "k": [3]})
    assert passk.make_spec({}).stop == ("\ndef", "\nclass", "\nif", "\nprint", "\n#")


def test_without_a_sandbox_the_run_refuses_before_loading_the_model(tiny_model, humaneval, monkeypatch):
    from evaluators.core.base import EvaluationError
    from evaluators.passk import sandbox

    def unavailable():
        raise sandbox.SandboxUnavailable("bwrap is not installed; " + sandbox.INSTALL_HELP)

    monkeypatch.setattr(sandbox, "check_sandbox", unavailable)
    rows = [{"id": p["task_id"], **p} for p in humaneval[:1]]
    with pytest.raises(EvaluationError, match="apt-get install bubblewrap"):
        registry.get("passk").run(_context("/nonexistent-model", rows, {}))


def test_spearman_by_hand():
    from evaluators.passk.agreement import spearman

    assert spearman([0.1, 0.2, 0.3, 0.4], [0.0, 0.5, 0.25, 1.0]) == pytest.approx(0.8)  # 1 - 6*2/(4*15)
    assert spearman([0.1, 0.2, 0.3], [1.0, 1.0, 1.0]) is None
