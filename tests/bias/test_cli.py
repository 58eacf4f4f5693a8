"""`python -m evaluators bias | bbq | bias-probes`: one JSON object out, or a one-line error."""
from __future__ import annotations

import json
from pathlib import Path

from evaluators.__main__ import main

from .conftest import pair_rows, write_jsonl

BBQ = Path(__file__).resolve().parents[1] / "data" / "bbq"  # a subset: tests/data/bbq/SOURCE.md


def test_bias_prints_the_documented_fields(tiny_model, tmp_path, capsys):
    data = write_jsonl(tmp_path / "pairs.jsonl", pair_rows()[:6])
    code = main(["bias", "--model", str(tiny_model), "--data", str(data), "--method", "shared-tokens",
                 "--batch-size", "4", "--device", "cpu"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["method"] == "shared-tokens" and out["n"] == 6
    assert {"pct_stereotype", "pct_stereotype_ci", "likelihood_diff", "by_category"} <= set(out)
    assert set(out["by_category"]) == {"gender", "age"}
    assert set(out["by_category"]["age"]) >= {"pct_stereotype", "pct_stereotype_ci", "n"}


def test_bias_refuses_a_bad_file_with_its_line(tiny_model, tmp_path, capsys):
    data = tmp_path / "pairs.csv"
    data.write_text("sent_more,sent_less,stereo_antistereo,bias_type\nA b.,A c.,stereo,colour\n")
    assert main(["bias", "--model", str(tiny_model), "--data", str(data)]) == 2
    assert "pairs.csv line 2: field 'bias_type' must be one of" in capsys.readouterr().err


def test_bbq_prints_scores_with_their_normalisation(tiny_model, tmp_path, capsys):
    lines = (BBQ / "Religion.jsonl").read_text().splitlines()[:4]
    data = tmp_path / "religion.jsonl"
    data.write_text("\n".join(lines) + "\n")
    code = main(["bbq", "--model", str(tiny_model), "--data", str(data), "--normalization", "per-token",
                 "--device", "cpu"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["normalization"] == "per-token"
    assert (out["n_ambig"], out["n_disambig"]) == (2, 2)
    assert out["by_category"]["Religion"]["n"] == 4
    assert {"accuracy_ambig", "accuracy_disambig", "s_dis", "s_amb", "s_dis_ci", "s_amb_ci"} <= set(out)
    assert set(out["by_category"]) == {"Religion"}


def test_bias_probes_writes_a_dataset(tmp_path, capsys):
    out = tmp_path / "probes.jsonl"
    assert main(["bias-probes", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["pairs"] == len(out.read_text().splitlines())


def test_bbq_refuses_a_bad_line_with_its_number(tiny_model, tmp_path, capsys):
    lines = (BBQ / "Religion.jsonl").read_text().splitlines()[:2]
    row = json.loads(lines[1])
    row["label"] = 7
    data = tmp_path / "religion.jsonl"
    data.write_text(lines[0] + "\n" + json.dumps(row) + "\n")
    assert main(["bbq", "--model", str(tiny_model), "--data", str(data)]) == 2
    assert "religion.jsonl line 2: field 'label' must be 0, 1 or 2, got 7" in capsys.readouterr().err
