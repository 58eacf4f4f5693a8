"""The glitch-tokens evaluator: its prompts dataset, chat prompts, resuming, and the command."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("glitch-tiny") / "tiny", seed=3)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("line, field, words", [
    ('{"id": "x", "template": "no placeholder here"}', "template", "exactly once, found it 0 times"),
    ('{"id": "x", "template": "{token} and {token}"}', "template", "exactly once, found it 2 times"),
    ('{"id": "x", "template": "{token}->", "chat": "yes"}', "chat", "true or false"),
    ('{"id": "x"}', "template", "missing required field 'template'"),
])
def test_a_bad_prompt_row_is_refused_naming_its_line_and_field(tmp_path, line, field, words):
    from evaluators.core.datasets import DatasetError, read_dataset

    good = json.dumps({"id": "arrow", "template": "a->a\n{token}->"})
    path = write_lines(tmp_path / "prompts.jsonl", [good, line])
    with pytest.raises(DatasetError) as caught:
        read_dataset(path, "repeat_prompts")
    assert caught.value.line == 2 and caught.value.field == field and words in str(caught.value)


def test_the_default_prompts_file_reads_back_as_the_default_rows(tmp_path):
    from evaluators.core.datasets import read_dataset
    from evaluators.glitch.prompts import default_prompt_rows, write_default_prompts

    assert read_dataset(write_default_prompts(tmp_path / "p.jsonl"), "repeat_prompts") == default_prompt_rows()


def test_a_base_prompt_puts_the_candidate_id_between_the_two_halves(tiny_model):
    from transformers import AutoTokenizer

    from evaluators.glitch.prompts import prompt_ids

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    before, after = prompt_ids(tokenizer, {"id": "a", "template": "x->x\n{token}->", "chat": False})
    assert before == [tokenizer.bos_token_id] + tokenizer.encode("x->x\n", add_special_tokens=False)
    assert after == tokenizer.encode("->", add_special_tokens=False)


def test_a_chat_prompt_is_split_around_the_candidate_in_the_rendered_template(tiny_model):
    from transformers import AutoTokenizer

    from evaluators.glitch.prompts import prompt_ids, usable

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    row = {"id": "chat", "template": "Say {token} again", "chat": True}
    assert usable(tokenizer, [row]) == []
    tokenizer.chat_template = ("{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
                               "{% if add_generation_prompt %}[assistant] {% endif %}")
    assert usable(tokenizer, [row]) == [row]
    before, after = prompt_ids(tokenizer, row)
    assert tokenizer.decode(before) == "[user] Say "
    assert tokenizer.decode(after) == " again\n[assistant] "


def test_only_chat_prompts_on_a_model_without_a_chat_template_is_a_clear_error(tiny_model):
    from evaluators.core import registry
    from evaluators.core.base import EvaluationError, ModelRef, RunContext

    evaluator = registry.get("glitch-tokens")
    rows = [{"id": "chat", "template": "Repeat {token}", "chat": True}]
    with pytest.raises(EvaluationError, match="no chat template"):
        evaluator.run(RunContext(ModelRef(str(tiny_model)), rows, evaluator.make_spec({}), "cpu"))


def test_a_resumed_scan_verifies_only_the_groups_left_and_gives_the_same_output(tiny_model):
    from evaluators.core import registry
    from evaluators.core.base import ModelRef, RunContext
    from evaluators.glitch.prompts import default_prompt_rows

    evaluator = registry.get("glitch-tokens")
    # batch_size 2 makes groups of 8 candidates (GROUP_BATCHES = 4): 20 candidates are 3 groups.
    spec = evaluator.make_spec({"candidates": 20, "batch_size": 2})
    seen: dict[str, dict] = {}
    whole = evaluator.run(RunContext(ModelRef(str(tiny_model)), default_prompt_rows(), spec, "cpu",
                                     on_sample=lambda key, index, record: seen.setdefault(key, record)))
    assert list(seen) == [str(row["id"]) for row in whole["candidates"]]
    done = {key: seen[key] for key in list(seen)[:8]}
    again: list[str] = []
    resumed = evaluator.run(RunContext(ModelRef(str(tiny_model)), default_prompt_rows(), spec, "cpu", done=done,
                                       on_sample=lambda key, index, record: again.append(key)))
    assert again == list(seen)[8:]
    assert resumed == whole


def test_the_command_prints_the_scan_and_refuses_a_bad_prompts_file(tiny_model, tmp_path):
    command = [sys.executable, "-m", "evaluators", "glitch-tokens", "--model", str(tiny_model),
               "--candidates", "6", "--batch-size", "3", "--threshold", "0.5"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    output = json.loads(done.stdout)
    assert len(output["candidates"]) == 6 and output["threshold"] == 0.5
    assert output["confirmed"] == [row for row in output["candidates"] if row["repeat_probability"] < 0.5]
    assert output["confirmed_share"] == pytest.approx(len(output["confirmed"]) / output["normal_tokens"])
    assert sum(output["categories"].values()) == output["vocab_size"]
    bad = write_lines(tmp_path / "bad.jsonl", ['{"template": "none"}'])
    refused = subprocess.run(command + ["--prompts", str(bad)], cwd=REPO, capture_output=True, text=True)
    assert refused.returncode == 2 and "bad.jsonl line 1" in refused.stderr and "{token}" in refused.stderr
