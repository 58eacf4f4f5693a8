"""The code_tests dataset kind (HumanEval's format, .jsonl.gz included) and samples files: every bad
row is refused naming the file, line and field."""
from __future__ import annotations

import json

import pytest

from evaluators.core.datasets import DatasetError, read_dataset
from evaluators.passk.completions import read_samples

from .conftest import HUMANEVAL, write_jsonl

GOOD = {"task_id": "t/0", "prompt": "def add(a, b):\n", "entry_point": "add",
        "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n", "canonical_solution": "    return a + b\n"}


def test_humaneval_reads_as_shipped():
    rows = read_dataset(HUMANEVAL, "code_tests")
    assert len(rows) == 164
    assert rows[0]["id"] == rows[0]["task_id"] == "HumanEval/0"
    assert rows[163]["entry_point"] == "generate_integers"
    assert all(row["canonical_solution"] for row in rows)


@pytest.mark.parametrize("change, field, message", [
    ({"entry_point": "add-two"}, "entry_point", "must be a Python identifier"),
    ({"test": "def verify(candidate):\n    pass\n"}, "test", "must define a function check(candidate)"),
    ({"test": "def check(candidate:\n"}, "test", "is not valid Python"),
    ({"prompt": 3}, "prompt", "must be a string"),
    ({"canonical_solution": ["x"]}, "canonical_solution", "must be a string"),
])
def test_bad_problems_name_line_and_field(tmp_path, change, field, message):
    path = write_jsonl(tmp_path / "problems.jsonl", [GOOD, {**GOOD, "task_id": "t/1", **change}])
    with pytest.raises(DatasetError) as caught:
        read_dataset(path, "code_tests")
    assert (caught.value.line, caught.value.field) == (2, field)
    assert message in str(caught.value) and str(caught.value).startswith("problems.jsonl line 2: ")


def test_a_task_id_used_twice_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "problems.jsonl", [GOOD, GOOD])
    with pytest.raises(DatasetError, match="line 2: task_id 't/0' is already used on line 1"):
        read_dataset(path, "code_tests")


def test_samples_must_name_known_tasks(tmp_path):
    problems = {"t/0": GOOD}
    path = tmp_path / "samples.jsonl"
    path.write_text(json.dumps({"task_id": "t/0", "completion": "    return a + b\n"}) + "\n"
                    + json.dumps({"task_id": "t/9", "completion": ""}) + "\n")
    with pytest.raises(DatasetError, match="samples.jsonl line 2: task_id 't/9' is not one of the problems"):
        read_samples(path, problems)
    path.write_text(json.dumps({"task_id": "t/0", "completion": None}) + "\n")
    with pytest.raises(DatasetError, match="line 1: field 'completion' must be a string, got null"):
        read_samples(path, problems)
