"""MBPP rows become HumanEval-format problems whose canonical solutions pass in the sandbox."""
from __future__ import annotations

import json

import pytest

from evaluators.core.datasets import DatasetError, read_dataset
from evaluators.passk.mbpp import convert_file, convert_row
from evaluators.passk.sandbox import Limits
from evaluators.passk.scoring import execute

ROWS = [
    {"task_id": 2, "text": "Write a function to find the shared elements from the given two lists.",
     "code": "def similar_elements(test_tup1, test_tup2):\n  res = tuple(set(test_tup1) & set(test_tup2))\n  return (res) ",
     "test_list": ["assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))",
                   "assert set(similar_elements((1, 2, 3, 4),(5, 4, 3, 7))) == set((3, 4))"],
     "test_setup_code": ""},
    {"task_id": 3, "text": "Write a python function to identify non-prime numbers.",
     "code": "import math\ndef is_not_prime(n):\n    for i in range(2, int(math.sqrt(n)) + 1):\n        if n % i == 0:\n            return True\n    return False",
     "test_list": ["assert is_not_prime(2) == False", "assert is_not_prime(10) == True"],
     "test_setup_code": ""},
]


def test_the_prompt_is_bigcodes(tmp_path):
    problem = convert_row(ROWS[0])
    assert problem["task_id"] == "MBPP/2" and problem["entry_point"] == "similar_elements"
    assert problem["prompt"] == ('"""\nWrite a function to find the shared elements from the given two lists.\n'
                                 'assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))\n"""\n')


@pytest.mark.usefixtures("sandbox_ready")
def test_converted_problems_read_and_their_solutions_pass(tmp_path):
    source = tmp_path / "mbpp.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in ROWS))
    assert convert_file(source, tmp_path / "problems.jsonl") == 2
    problems = {row["task_id"]: row for row in read_dataset(tmp_path / "problems.jsonl", "code_tests")}
    samples = [{"task_id": t, "completion": p["canonical_solution"]} for t, p in problems.items()]
    samples.append({"task_id": "MBPP/3", "completion": "def is_not_prime(n):\n    return True\n"})
    assert [o.status for o in execute(problems, samples, Limits())] == ["passed", "passed",
                                                                       "failed: AssertionError"]


def test_a_row_without_tests_is_named():
    with pytest.raises(DatasetError, match="line 7: field 'test_list' must be a non-empty list of strings"):
        convert_row({**ROWS[0], "test_list": []}, "mbpp.jsonl", 7)
