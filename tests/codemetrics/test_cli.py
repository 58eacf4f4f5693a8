"""`python -m evaluators codegen-score`: output, --per-sample, and errors that name the line."""
from __future__ import annotations

import json

import pytest

from evaluators.__main__ import main
from evaluators.codemetrics import score_corpus, score_samples


def write(tmp_path, *lines: str):
    path = tmp_path / "preds.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_prints_the_corpus_scores(tmp_path, capsys):
    path = write(tmp_path, json.dumps({"prediction": "x = 1", "references": ["x = 1", "y = 1"]}), "",
                 json.dumps({"prediction": "y = 2", "reference": "y = 3"}))
    assert main(["codegen-score", "--lang", "python", str(path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == score_corpus(["x = 1", "y = 2"], [["x = 1", "y = 1"], ["y = 3"]], "python")
    assert set(printed) >= {"bleu", "bleu_signature", "bleu_codexglue", "codebleu", "ngram_match",
                            "weighted_ngram_match", "syntax_match", "dataflow_match", "exact_match",
                            "exact_match_strict", "n", "bleu_ci", "codebleu_ci", "exact_match_ci"}


def test_per_sample_prints_one_line_per_input_line(tmp_path, capsys):
    path = write(tmp_path, json.dumps({"prediction": "a", "references": ["a"]}),
                 json.dumps({"prediction": "b", "references": ["c"]}))
    assert main(["codegen-score", "--lang", "java", "--per-sample", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == score_samples(["a", "b"], [["a"], ["c"]], "java")


@pytest.mark.parametrize("line, message", [
    ('{"references": ["x"]}', "line 2: missing field 'prediction'"),
    ('{"prediction": "x"}', "line 2: missing field 'references'"),
    ('{"prediction": "x", "references": ["a", 3]}', "line 2: field 'references' must be a list of strings, "
                                                     "got a number at position 1"),
    ('{"prediction": "x", "references": {"a": 1}}', "line 2: field 'references' must be a list of strings"),
    ('{"prediction": 5, "references": ["a"]}', "line 2: field 'prediction' must be a string, got a number"),
    ('{"prediction": "x", "reference": null}', "line 2: field 'reference' must be a string, got null"),
    ("not json", "line 2: not valid JSON"),
])
def test_bad_lines_end_with_exit_code_2_and_name_the_line(tmp_path, capsys, line, message):
    path = write(tmp_path, json.dumps({"prediction": "a", "references": ["a"]}), line)
    assert main(["codegen-score", "--lang", "python", str(path)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_unsupported_language_ends_with_exit_code_2(tmp_path, capsys):
    path = write(tmp_path, json.dumps({"prediction": "a", "references": ["a"]}))
    assert main(["codegen-score", "--lang", "cobol", str(path)]) == 2
    assert "unsupported language 'cobol'; supported: python, java" in capsys.readouterr().err


def test_missing_file_ends_with_exit_code_2(tmp_path, capsys):
    assert main(["codegen-score", "--lang", "python", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
