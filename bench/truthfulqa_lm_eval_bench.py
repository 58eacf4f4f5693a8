"""Prints TruthfulQA MC1 / MC2 from Glassbox and from lm-evaluation-harness on the same model and
questions, and the largest difference between their per-answer log-likelihoods.

The model is the test suite's seeded tiny Llama (evaluators.demo.models.build_tiny_model, seed
SEED, CONTEXT_LENGTH positions, so some sequences are left-truncated), saved with save_pretrained
and run in float64 by both sides (--dtype float32 to see float32 rounding instead). The questions
are every STRIDE-th row of evaluators/data/truthfulqa/TruthfulQA.csv, written as a local JSONL in
the Hugging Face form; the harness runs its own truthfulqa_mc1 / _mc2 task YAMLs, `include`d with
dataset_path json and data_files overridden (no hub is reachable), with --log_samples for the
per-answer log-likelihoods. In float64 the sides must agree to 1e-6 per answer and on every MC1,
or the script exits with 1.

The harness runs in a venv of its own, var/bench-venvs/lm-eval (made and filled on first use, or
--lm-eval-venv PATH). Where it cannot be made (no package index), the script says so and exits 0.
--record PATH writes the harness's side as the fixture tests/truthfulqa/ checks against.
Run: .venv/bin/python bench/truthfulqa_lm_eval_bench.py [--questions 20] [--dtype float64|float32]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from evaluators.core.base import ModelRef  # noqa: E402
from evaluators.core.loading import load_model  # noqa: E402
from evaluators.truthfulqa.data import read_truthfulqa  # noqa: E402
from evaluators.truthfulqa.scoring import harness_max_length, score_questions  # noqa: E402

LM_EVAL = ["torch==2.13.0", "lm-eval[hf]==0.4.13", "transformers==5.24.0"]
DEFAULT_VENV = REPO / "var" / "bench-venvs" / "lm-eval"
DATA = REPO / "evaluators" / "data" / "truthfulqa" / "TruthfulQA.csv"
SEED, CONTEXT_LENGTH, STRIDE = 0, 560, 41
TASK = """include: {harness}/tasks/truthfulqa/truthfulqa_{name}.yaml
task: local_truthfulqa_{name}
tag: []
dataset_path: json
dataset_name: null
dataset_kwargs:
  data_files:
    validation: {data}
"""
COMMAND = ("lm-eval run --model hf --model_args pretrained={model},dtype={dtype} --tasks local_truthfulqa_mc1 "
           "local_truthfulqa_mc2 --include_path {tasks} --device cpu --batch_size 8 --log_samples "
           "--output_path {out}")


def lm_eval_python(venv: Path) -> Path | None:
    """Return the python of a venv holding lm-eval with its Hugging Face backend, making it if
    needed; None (having said why) where pip cannot install it."""
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import lm_eval, transformers, accelerate"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"installing {' '.join(LM_EVAL)} into {venv} ...", flush=True)
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    made = subprocess.run([base, "-m", "venv", str(venv)]).returncode == 0 and subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *LM_EVAL]).returncode == 0
    if not made or subprocess.run(check, capture_output=True).returncode != 0:
        print(f"skipped: lm-evaluation-harness could not be installed into {venv} (no package index "
              "reachable?); nothing was compared.")
        return None
    return python


def run_harness(python: Path, model: Path, questions: list[dict], dtype: str, folder: Path) -> tuple[list, str]:
    """Return (per question {"mc1": [ll...], "mc2": [ll...], "mc1_acc": 0 or 1, "mc2_acc": mass}, the
    command run) from the harness's logged samples."""
    harness = subprocess.run([str(python), "-c", "import lm_eval, os; print(os.path.dirname(lm_eval.__file__))"],
                             check=True, capture_output=True, text=True).stdout.strip()
    data, tasks, out = folder / "truthfulqa.jsonl", folder / "tasks", folder / "out"
    data.write_text("".join(json.dumps({key: q[key] for key in ("question", "mc1_targets", "mc2_targets")}) + "\n"
                            for q in questions), encoding="utf-8")
    tasks.mkdir()
    for name in ("mc1", "mc2"):
        (tasks / f"local_truthfulqa_{name}.yaml").write_text(TASK.format(harness=harness, name=name, data=data))
    command = COMMAND.format(model=model, dtype=dtype, tasks=tasks, out=out)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    lm_eval = python.parent / command.split()[0]
    subprocess.run([str(lm_eval), *command.split()[1:]], check=True, cwd=folder, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lls: list[dict] = [{} for _ in questions]
    for name in ("mc1", "mc2"):
        [samples] = glob.glob(str(out / "*" / f"samples_local_truthfulqa_{name}_*.jsonl"))
        for line in Path(samples).read_text().splitlines():
            sample = json.loads(line)
            lls[sample["doc_id"]][name] = [float(resp[0]) for resp in sample["filtered_resps"]]
            lls[sample["doc_id"]][f"{name}_acc"] = sample["acc"]
    return lls, command


def weights_sha256(model) -> str:
    """Return a hash of the model's tensors (name order), to tell a rebuilt model is the same."""
    import hashlib

    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode() + tensor.detach().cpu().float().numpy().tobytes())
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--lm-eval-venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--record", type=Path, help="write the harness's log-likelihoods here as a test fixture")
    args = parser.parse_args()
    python = lm_eval_python(args.lm_eval_venv)
    if python is None:
        return 0
    import torch
    from transformers.utils import logging

    from evaluators.demo.models import build_tiny_model

    logging.set_verbosity_error()
    rows = list(range(0, STRIDE * args.questions, STRIDE))
    everything = read_truthfulqa(DATA)
    questions = [everything[i] for i in rows]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        model = build_tiny_model(folder / "model", seed=SEED, context_length=CONTEXT_LENGTH)
        theirs, command = run_harness(python, model, questions, args.dtype, folder)
        loaded = load_model(ModelRef(str(model)), "cpu")
        # Upcasting float32 weights is exact: the same model the harness loads with dtype=float64.
        loaded.model.to(getattr(torch, args.dtype))
        ours = score_questions(loaded, questions, 8, harness_max_length(loaded.model, loaded.tokenizer))
    worst, mc1_differ = 0.0, 0
    sides = {"glassbox": {"mc1": [], "mc2": []}, "lm-eval": {"mc1": [], "mc2": []}}
    for q, mine, their in zip(questions, ours, theirs):
        for name in ("mc1", "mc2"):
            worst = max(worst, *(abs(a - b) for a, b in zip(mine[f"{name}_targets"]["lls"], their[name])))
        for name in ("mc1", "mc2"):
            sides["glassbox"][name].append(mine[name])
            sides["lm-eval"][name].append(their[f"{name}_acc"])  # the harness's own per-question score
        mc1_differ += mine["mc1"] != their["mc1_acc"]
    print(f"{len(questions)} questions (rows {rows[0]}..{rows[-1]} step {STRIDE}), tiny Llama seed {SEED}, "
          f"context {CONTEXT_LENGTH}, {args.dtype}, {sum(r['truncated'] for r in ours)} sequences truncated")
    for side, values in sides.items():
        mc1, mc2 = (sum(values[name]) / len(questions) for name in ("mc1", "mc2"))
        print(f"  {side:9s} mc1 {mc1:.6f}  mc2 {mc2:.9f}")
    print(f"  largest per-answer log-likelihood difference: {worst:.3e} nats; MC1 differs on {mc1_differ} questions")
    print(f"  harness command: {command}")
    if args.record:
        record(args.record, python, loaded.model, rows, questions, theirs, args.dtype)
    return 1 if args.dtype == "float64" and (worst > 1e-6 or mc1_differ) else 0


def record(path: Path, python: Path, model, rows: list[int], questions: list[dict],
           theirs: list[dict], dtype: str) -> None:
    """Write the harness's per-answer log-likelihoods and how they were made, for tests/truthfulqa."""
    versions = subprocess.run([str(python), "-c", "import importlib.metadata as m, json; print(json.dumps("
                               "{p: m.version(p) for p in ('lm_eval', 'torch', 'transformers')}))"],
                              check=True, capture_output=True, text=True).stdout
    fixture = {
        "about": "lm-evaluation-harness's truthfulqa_mc1 / truthfulqa_mc2 log-likelihoods, recorded by "
                 "bench/truthfulqa_lm_eval_bench.py --record; tests/truthfulqa/test_lm_eval_reference.py "
                 "rebuilds the same model and checks Glassbox against them",
        "bench_command": f".venv/bin/python bench/truthfulqa_lm_eval_bench.py --dtype {dtype} --record {path}",
        # Paths were temporary: the task YAMLs (written as TASK) and the model lay in one folder.
        "harness_command": COMMAND.format(model="MODEL_DIR", dtype=dtype, tasks="TASK_DIR", out="OUT_DIR"),
        "task_yaml": TASK.format(harness="LM_EVAL_PACKAGE_DIR", name="mc1", data="QUESTIONS.jsonl"),
        "harness_versions": json.loads(versions),
        "model": {"builder": "evaluators.demo.models.build_tiny_model", "seed": SEED,
                  "context_length": CONTEXT_LENGTH, "dtype": dtype, "weights_sha256": weights_sha256(model)},
        "data": {"file": str(DATA.relative_to(REPO)), "rows": rows},
        "questions": [{"question": q["question"],
                       **{f"{name}_targets": {**q[f"{name}_targets"], "lls": their[name]} for name in ("mc1", "mc2")},
                       "mc1": their["mc1_acc"], "mc2": their["mc2_acc"]}
                      for q, their in zip(questions, theirs)],
    }
    path.write_text(json.dumps(fixture, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"  recorded {path}")


if __name__ == "__main__":
    sys.exit(main())
