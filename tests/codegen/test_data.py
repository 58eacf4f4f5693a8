"""The CONCODE importer, the demo dataset and the command line."""
from __future__ import annotations

import json

import pytest

from evaluators.codegen.concode import convert_concode, import_concode
from evaluators.core.datasets import DatasetError, read_dataset


def test_concode_jsonl_becomes_codegen_rows(tmp_path):
    source = tmp_path / "test.json"
    source.write_text('{"nl": "returns the sum", "code": "int add ( int a , int b ) { return a + b ; }"}\n'
                      '\n{"id": "x7", "nl": "nothing", "code": "void f ( ) { }"}\n', encoding="utf-8")
    assert import_concode(source, tmp_path / "out.jsonl", "Java") == 2
    rows = read_dataset(tmp_path / "out.jsonl", "codegen")
    assert rows == [
        {"id": "1", "prompt": "returns the sum\n", "lang": "java",
         "references": ["int add ( int a , int b ) { return a + b ; }"]},
        {"id": "x7", "prompt": "nothing\n", "references": ["void f ( ) { }"], "lang": "java"},
    ]


@pytest.mark.parametrize("text, message", [
    ('{"nl": "a", "code": "b"}\n{"nl": "c"}\n', "line 2: missing required field 'code'"),
    ('{"nl": "a", "code": "b"}\n\n{"nl": 3, "code": "b"}\n', "line 3: field 'nl' must be a string"),
    ('{"nl": "a", "code": "b"}\n{"nl": "a", "code": "b"\n', "line 2: invalid JSON"),
    ('["nl", "code"]\n', "item 1: each record must be a JSON object"),
    ('[{"nl": "a", "code": "b"}, {"nl": "a", "code": " "}]', "item 2: field 'code' must not be empty"),
    ('{"id": 1, "nl": "a", "code": "b"}\n{"id": "1", "nl": "a", "code": "b"}\n', "line 2: id '1' is already used"),
])
def test_bad_concode_records_are_named_by_line(text, message):
    with pytest.raises(DatasetError) as caught:
        convert_concode(text, "java", source="train.json")
    assert str(caught.value).startswith("train.json") and message in str(caught.value)


def test_an_unsupported_language_is_refused_before_anything_is_written(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"nl": "a", "code": "b"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="unsupported language 'cobol'"):
        import_concode(source, tmp_path / "out.jsonl", "cobol")
    assert not (tmp_path / "out.jsonl").exists()


def test_every_demo_reference_passes_its_test():
    from evaluators.demo.codegen import check_references, demo_tasks

    tasks = demo_tasks()
    assert len(tasks) >= 100 and len({task["id"] for task in tasks}) == len(tasks)
    assert check_references(tasks) == []
    # The check is not vacuous: a wrong body fails.
    broken = dict(tasks[0], references=["    return None\n"])
    assert len(check_references([broken])) == 1


def test_the_demo_writer_produces_a_valid_codegen_dataset(tmp_path):
    from evaluators.demo.codegen import write_demo_codegen

    count = write_demo_codegen(tmp_path / "tasks.jsonl")
    rows = read_dataset(tmp_path / "tasks.jsonl", "codegen")
    assert len(rows) == count >= 100
    assert all(row["lang"] == "python" and row["prompt"].startswith("def ") for row in rows)


def test_the_command_line_imports_concode_and_reports_bad_lines(tmp_path, capsys):
    from evaluators.__main__ import main

    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text('{"nl": "a", "code": "b ( ) ;"}\n', encoding="utf-8")
    bad.write_text('{"nl": "a", "code": "b"}\n{"code": "b"}\n', encoding="utf-8")
    assert main(["import-concode", str(good), str(tmp_path / "out.jsonl"), "--lang", "java"]) == 0
    assert json.loads(capsys.readouterr().out) == {"path": str(tmp_path / "out.jsonl"), "rows": 1}
    assert main(["import-concode", str(bad), str(tmp_path / "out2.jsonl")]) == 2
    assert "bad.jsonl line 2: missing required field 'nl'" in capsys.readouterr().err


def test_the_codegen_command_prints_scores_and_settings(tiny_model, metrics, tmp_path, capsys):
    from evaluators.__main__ import main

    from .conftest import TASKS

    data = tmp_path / "tasks.jsonl"
    data.write_text("".join(json.dumps(task) + "\n" for task in TASKS[:2]), encoding="utf-8")
    code = main(["codegen", "--model", str(tiny_model), "--data", str(data), "--device", "cpu",
                 "--max-new-tokens", "4", "--stop", '["\\n\\n"]'])
    assert code == 0
    output = json.loads(capsys.readouterr().out)
    assert output["n"] == 2 and output["max_new_tokens"] == 4 and output["stop"] == '["\\n\\n"]'
    assert "codebleu" in output and "bleu_ci" in output


def test_a_mixed_language_or_unsupported_dataset_fails_naming_the_row(tiny_model, metrics):
    from evaluators.core.base import EvaluationError

    from .conftest import TASKS, run_codegen

    with pytest.raises(EvaluationError, match="row 2 .id square.: unsupported language 'cobol'"):
        run_codegen(tiny_model, [TASKS[0], dict(TASKS[1], lang="cobol")])
    with pytest.raises(EvaluationError, match="mixes languages"):
        run_codegen(tiny_model, [TASKS[0], dict(TASKS[1], lang="java")])
