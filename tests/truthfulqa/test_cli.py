"""`python -m evaluators truthfulqa`: one JSON object out, or a one-line error naming the line."""
from __future__ import annotations

import json

from evaluators.__main__ import main

from .conftest import DATA, csv_lines


def test_truthfulqa_prints_the_documented_fields(tiny_model, tmp_path, capsys):
    data = tmp_path / "tqa.csv"
    data.write_text(csv_lines(0, 1, 100, 101), encoding="utf-8")  # Misconceptions twice, then another category
    code = main(["truthfulqa", "--model", str(tiny_model), "--data", str(data), "--batch-size", "8", "--device", "cpu"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"mc1", "mc2", "mc1_ci", "mc2_ci", "n", "form", "by_category", "truncated", "max_length"} <= set(out)
    assert (out["n"], out["form"], out["max_length"]) == (4, "csv", 512)
    assert sum(figures["n"] for figures in out["by_category"].values()) == 4 and len(out["by_category"]) == 2
    assert out["by_category"]["Misconceptions"]["n"] == 2
    for name in ("mc1", "mc2"):
        low, high = out[f"{name}_ci"]
        assert 0 <= low <= out[name] <= high <= 1


def test_the_mc_task_form_reports_its_form_and_no_categories(tiny_model, capsys):
    code = main(["truthfulqa", "--model", str(tiny_model), "--data", str(DATA / "mc_task.json"),
                 "--batch-size", "16", "--device", "cpu"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and (out["form"], out["n"], out["by_category"]) == ("mc_task", 5, {})


def test_truthfulqa_refuses_a_bad_line_with_its_number(tiny_model, tmp_path, capsys):
    lines = (DATA / "truthfulqa-hf.jsonl").read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[1])
    row["mc2_targets"]["labels"] = row["mc2_targets"]["labels"][:-1]
    data = tmp_path / "tqa.jsonl"
    data.write_text(lines[0] + "\n" + json.dumps(row) + "\n", encoding="utf-8")
    assert main(["truthfulqa", "--model", str(tiny_model), "--data", str(data)]) == 2
    assert "tqa.jsonl line 2: mc2_targets has 11 choices but 10 labels" in capsys.readouterr().err
