"""`python -m evaluators perplexity`: JSON on stdout, and a one-line error with exit code 2."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evaluators.__main__ import main

REPO = Path(__file__).resolve().parents[2]


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


def test_it_prints_the_output_dict_as_json(tiny_model, rows, tmp_path, capsys):
    data = _write_jsonl(tmp_path / "docs.jsonl", rows)
    code = main(["perplexity", "--model", str(tiny_model), "--data", str(data), "--device", "cpu",
                 "--max-length", "32", "--stride", "8", "--batch-size", "2"])
    output = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (output["max_length"], output["stride"], output["batch_size"]) == (32, 8, 2)
    assert output["documents"] == len(rows) and output["perplexity"] > 1


def test_a_text_file_is_one_document(tiny_model, tmp_path, capsys):
    data = tmp_path / "essay.txt"
    data.write_text("One document.\nTwo lines.\n", encoding="utf-8")
    assert main(["perplexity", "--model", str(tiny_model), "--data", str(data), "--device", "cpu"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert (output["documents"], output["words"], output["perplexity_ci"][0]) == (
        1, 4, output["perplexity"])


def test_a_bad_line_names_the_line_and_field(tiny_model, tmp_path, capsys):
    data = tmp_path / "docs.jsonl"
    data.write_text('{"text": "fine"}\n{"txt": "typo"}\n', encoding="utf-8")
    assert main(["perplexity", "--model", str(tiny_model), "--data", str(data)]) == 2
    message = _one_line_error(capsys)
    assert "line 2" in message and "'text'" in message


@pytest.mark.parametrize("options, expected", [
    (["--stride", "0"], "parameter 'stride' must be at least 1, got 0"),
    (["--max-length", "8", "--stride", "8"], "windows must overlap"),
    (["--max-length", "4096"], "larger than the model's context length"),
])
def test_a_bad_spec_is_one_line_and_exit_code_2(tiny_model, rows, tmp_path, capsys, options, expected):
    data = _write_jsonl(tmp_path / "docs.jsonl", rows[:2])
    code = main(["perplexity", "--model", str(tiny_model), "--data", str(data), "--device", "cpu",
                 *options])
    assert code == 2
    assert expected in _one_line_error(capsys)


def test_missing_files_are_one_line_errors(tiny_model, tmp_path, capsys):
    assert main(["perplexity", "--model", str(tiny_model), "--data", str(tmp_path / "no.jsonl")]) == 2
    assert "no.jsonl" in _one_line_error(capsys)
    data = _write_jsonl(tmp_path / "docs.jsonl", [{"text": "hello"}])
    assert main(["perplexity", "--model", str(tmp_path / "nowhere"), "--data", str(data),
                 "--device", "cpu"]) == 2
    assert "cannot load model" in _one_line_error(capsys)


def test_demo_data_writes_held_out_documents(tmp_path, capsys):
    out = tmp_path / "demo.jsonl"
    assert main(["demo-data", "--out", str(out)]) == 0
    count = json.loads(capsys.readouterr().out)["documents"]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == count and 100 <= count <= 300
    assert {"id", "text"} == set(json.loads(lines[0]))


def test_the_module_runs_as_a_program(tiny_model, rows, tmp_path):
    data = _write_jsonl(tmp_path / "docs.jsonl", rows[:3])
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "evaluators", "perplexity", "--model",
                             str(tiny_model), "--data", str(data), "--device", "cpu"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"] == 3
    assert "3/3" in result.stderr, "a progress bar on stderr"
