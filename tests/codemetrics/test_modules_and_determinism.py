"""The Hugging Face `evaluate` modules, determinism across hash seeds, and lazy imports."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from evaluators.codemetrics import score_corpus, score_text_corpus

from .cases import CASES

REPO = Path(__file__).resolve().parents[2]


def _python(code: str, **env: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **env}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_evaluate_modules_load_offline_and_equal_our_functions(tmp_path):
    predictions = ["def f(a):\n    return a + 1", "x = 1", "print('hi')"]
    references = [["def f(b):\n    return b + 1"], ["x = 1", "y = 2"], ["print('hello')"]]
    code = f"""
import json, evaluate
p, r = {predictions!r}, {references!r}
out = {{}}
for name in ("glassbox_codebleu", "glassbox_bleu", "glassbox_exact_match"):
    kwargs = {{"lang": "python"}} if name == "glassbox_codebleu" else {{}}
    out[name] = evaluate.load("evaluators/hf_metrics/" + name).compute(predictions=p, references=r, **kwargs)
print(json.dumps(out))
"""
    out = json.loads(_python(code, HF_HOME=str(tmp_path), HF_HUB_OFFLINE="1", HF_EVALUATE_OFFLINE="1",
                             HF_DATASETS_OFFLINE="1"))
    corpus = score_corpus(predictions, references, "python")
    text = score_text_corpus(predictions, references)
    for key, value in out["glassbox_codebleu"].items():
        assert value == corpus[key], key
    assert len(out["glassbox_codebleu"]) == 11
    for name in ("glassbox_bleu", "glassbox_exact_match"):
        for key, value in out[name].items():
            assert value == text[key], (name, key)
    assert out["glassbox_bleu"]["bleu"] == corpus["bleu"]


def test_data_flow_does_not_depend_on_the_hash_seed():
    case = next(case for case in CASES if case[0] == "py-while-merge")
    code = ("import json; from evaluators.codemetrics import score_samples; "
            f"print(json.dumps(score_samples([{case[2]!r}], [{case[3]!r}], 'python')[0]))")
    results = {_python(code, PYTHONHASHSEED=seed) for seed in ("0", "1", "5")}
    assert len(results) == 1


def test_importing_evaluators_or_codemetrics_loads_no_parser_or_metric_library():
    heavy = ("tree_sitter", "sacrebleu", "evaluate", "datasets", "torch")
    loaded = _python("import sys, evaluators, evaluators.codemetrics, evaluators.codemetrics.cli; "
                     f"print([m for m in {heavy!r} if m in sys.modules])")
    assert loaded == "[]"
