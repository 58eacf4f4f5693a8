"""The `medusa-train` evaluator: heads trained as a run, into the run's own folder."""
from __future__ import annotations

import hashlib
import json

import pytest

from evaluators import Cancelled, EvaluationError, ModelRef, RunContext, SpecError, registry
from evaluators.__main__ import main
from evaluators.medusa.heads import base_fingerprint, load_heads

from .conftest import PROMPTS, load

SETTINGS = {"heads": 2, "steps": 4, "batch_size": 2, "block_size": 16, "lr": 0.01, "seed": 3}


def context(model_dir, out, **hooks) -> RunContext:
    evaluator = registry.get("medusa-train")
    return RunContext(model=ModelRef(str(model_dir)), rows=[{"id": str(i), "text": t} for i, t in enumerate(PROMPTS)],
                      spec=evaluator.make_spec(hooks.pop("params", SETTINGS)), device="cpu", output_dir=out, **hooks)


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_run_writes_heads_that_load_against_its_base(tiny_llama, tmp_path):
    out = tmp_path / "runs" / "7"
    out.mkdir(parents=True)
    (out / "medusa_lm_head.safetensors").write_bytes(b"an earlier attempt's half-written file")
    environments = []
    summary = registry.get("medusa-train").run(context(tiny_llama, out, on_environment=environments.append))

    model, _ = load(tiny_llama)
    heads = load_heads(out, model)
    assert len(heads) == 2 and heads.num_layers == 1
    losses = summary["final_losses"]
    assert summary["weights_sha256"] == sha256(out / "medusa_lm_head.safetensors")
    assert summary["out"] == str(out) and summary["heads"] == 2 and len(losses) == 2
    assert summary["final_loss"] == pytest.approx(0.8 * losses[0] + 0.64 * losses[1])
    assert summary["head1_loss"] == losses[0]
    assert summary["sequences"] >= 1 and summary["learned_tokens"] > 0
    assert summary["base_fingerprint"] == base_fingerprint(model)["sha256"]
    assert {m.name for m in registry.get("medusa-train").metrics} <= set(summary)
    assert environments[0]["device"] == "cpu" and environments[0]["dtype"] == "float32"
    record = json.loads((out / "config.json").read_text())["glassbox"]
    # The texts as canonical JSON: a worker has the rows, not the uploaded file.
    texts = json.dumps(PROMPTS, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert record["data"] == {"sha256": hashlib.sha256(texts.encode()).hexdigest(), "kind": "text", "rows": 3}
    assert record["base_model"] == str(tiny_llama) and record["training"]["steps"] == 4


def test_the_evaluator_and_the_shell_command_write_the_same_bytes(tiny_llama, tmp_path, capsys):
    registry.get("medusa-train").run(context(tiny_llama, tmp_path / "run"))
    data = tmp_path / "texts.jsonl"
    data.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(PROMPTS)))
    options = [part for name, value in SETTINGS.items() for part in (f"--{name.replace('_', '-')}", str(value))]
    code = main(["medusa-train", "--model", str(tiny_llama), "--data", str(data), "--device", "cpu",
                 "--out", str(tmp_path / "shell"), *options])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(printed) == {"out", "heads", "final_losses", "sequences", "learned_tokens", "base_fingerprint"}
    assert ((tmp_path / "run" / "medusa_lm_head.safetensors").read_bytes()
            == (tmp_path / "shell" / "medusa_lm_head.safetensors").read_bytes())


def test_progress_counts_the_steps_up_to_the_last(tiny_llama, tmp_path):
    seen = []
    registry.get("medusa-train").run(context(tiny_llama, tmp_path / "out", on_progress=lambda *p: seen.append(p)))
    assert seen[-1] == (4, 4) and {total for _, total in seen} == {4}
    assert all(a < b for (a, _), (b, _) in zip(seen, seen[1:]))


def test_self_distillation_counts_its_prompts_before_the_steps(tiny_llama, tmp_path):
    seen = []
    params = {**SETTINGS, "self_distill": True, "prompt_tokens": 4}
    registry.get("medusa-train").run(context(tiny_llama, tmp_path / "out", params=params,
                                             on_progress=lambda *p: seen.append(p)))
    assert {total for _, total in seen} == {len(PROMPTS) + 4} and seen[-1] == (len(PROMPTS) + 4,) * 2
    assert all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))


def test_a_cancelled_run_stops_within_a_step_and_saves_nothing(tiny_llama, tmp_path):
    seen = []
    ctx = context(tiny_llama, tmp_path / "out", on_progress=lambda *p: seen.append(p),
                  should_stop=lambda: bool(seen) and seen[-1][0] >= 2)
    with pytest.raises(Cancelled):
        registry.get("medusa-train").run(ctx)
    assert seen[-1] == (2, 4)
    assert not (tmp_path / "out" / "medusa_lm_head.safetensors").exists()


def test_a_run_stopped_from_the_start_raises_cancelled(tiny_llama, tmp_path):
    with pytest.raises(Cancelled):
        registry.get("medusa-train").run(context(tiny_llama, tmp_path / "out", should_stop=lambda: True))


def test_a_run_without_an_output_folder_says_it_needs_one(tiny_llama):
    with pytest.raises(EvaluationError, match="output folder; none was given"):
        registry.get("medusa-train").run(context(tiny_llama, None))


def test_a_dataset_without_text_is_refused(tiny_llama, tmp_path):
    ctx = context(tiny_llama, tmp_path / "out")
    ctx.rows = [{"id": "1", "text": "  "}]
    with pytest.raises(EvaluationError, match="no text to train on"):
        registry.get("medusa-train").run(ctx)


@pytest.mark.parametrize("params, field", [({"heads": 0}, "heads"), ({"block_size": 8}, "block_size"),
                                           ({"self_distill": True, "prompt_tokens": 256}, "prompt_tokens")])
def test_a_bad_spec_is_refused_naming_the_field(params, field):
    with pytest.raises(SpecError, match=field):
        registry.get("medusa-train").make_spec(params)


def test_the_spec_mirrors_the_shell_defaults_but_trains_fewer_steps():
    spec = registry.get("medusa-train").make_spec({})
    assert (spec.heads, spec.layers, spec.steps, spec.lr, spec.batch_size, spec.block_size, spec.self_distill,
            spec.prompt_tokens, spec.seed) == (4, 1, 500, 1e-3, 8, 256, False, 64, 0)
    evaluator = registry.get("medusa-train")
    assert ((evaluator.version, evaluator.dataset_kind, evaluator.queue, evaluator.reuse_results)
            == ("1", "text", "gpu", False))
    assert [(m.name, m.goal) for m in evaluator.metrics] == [("final_loss", "lower"), ("head1_loss", "lower")]
