"""Stop sequences, fence extraction and prompt building: pure functions, no model."""
from __future__ import annotations

import hashlib

import pytest

from evaluators.codegen.prompts import plan_prompts
from evaluators.codegen.text import cut_at_stop, extract_code, finish, parse_stop


def test_stop_sequences_are_a_json_list_and_empty_means_none():
    assert parse_stop("") == []
    assert parse_stop('["\\ndef ", "\\n\\n"]') == ["\ndef ", "\n\n"]
    assert parse_stop('"\\n"') == ["\n"]
    for bad in ("[1]", "{", '["ok", ""]', "not json"):
        with pytest.raises(ValueError, match="stop"):
            parse_stop(bad)


def test_the_generation_is_cut_before_the_earliest_stop_sequence():
    text = "    return a + b\n\ndef sub(a, b):\n    pass\n#end"
    assert cut_at_stop(text, ["#", "\ndef "]) == "    return a + b\n"
    assert cut_at_stop(text, []) == text
    assert cut_at_stop(text, ["nowhere"]) == text
    assert cut_at_stop("def f", ["def"]) == ""


def test_code_comes_out_of_the_first_markdown_fence():
    assert extract_code("Here:\n```python\nx = 1\n```\nThen ```y```") == "x = 1\n"
    assert extract_code("~~~\na\n~~~") == "a\n"
    # A longer fence holds a shorter one; an unclosed fence runs to the end.
    assert extract_code("````md\n```\ninner\n```\n````\n") == "```\ninner\n```\n"
    assert extract_code("```py\nunfinished = (") == "unfinished = ("
    assert extract_code("no fence at all\n") == "no fence at all\n"


def test_stops_are_cut_before_the_fence_is_opened():
    raw = "```python\ndef f():\n    return 1\n```\n\ndef g(): pass"
    assert finish(raw, ["\n\ndef "]) == "def f():\n    return 1\n"


def _rows(ids: list[str]) -> list[dict]:
    return [{"id": i, "prompt": f"# {i}\n", "references": [f"{i} = 1\n"], "lang": "python"} for i in ids]


def test_few_shot_examples_are_the_lowest_hashed_ids_whatever_the_file_order():
    ids = [f"task-{n}" for n in range(12)]
    expected = sorted(ids, key=lambda i: hashlib.sha256(f"glassbox-few-shot:{i}".encode()).hexdigest())[:3]
    plan = plan_prompts(_rows(ids), "few-shot", 3)
    shuffled = plan_prompts(_rows(list(reversed(ids))), "few-shot", 3)
    assert plan.shot_ids == expected == shuffled.shot_ids
    scored_ids = [ids[i] for i in plan.scored]
    assert len(scored_ids) == 9 and not set(scored_ids) & set(expected)
    shots = "\n\n".join(f"# {i}\n{i} = 1\n" for i in expected)
    assert plan.prompts[0] == shots + "\n\n" + f"# {scored_ids[0]}\n"


def test_zero_shot_scores_every_row_with_its_prompt_verbatim():
    plan = plan_prompts(_rows(["a", "b"]), "zero-shot", 0)
    assert plan.scored == [0, 1] and plan.prompts == ["# a\n", "# b\n"] and plan.shot_ids == []


def test_few_shot_needs_a_row_left_to_score():
    with pytest.raises(ValueError, match="more than 2 rows"):
        plan_prompts(_rows(["a", "b"]), "few-shot", 2)


@pytest.mark.parametrize("params, message", [
    ({"template": "three-shot"}, "template must be one of"),
    ({"template": "few-shot"}, "k must be at least 1"),
    ({"k": 2}, "k must be 0 for the zero-shot"),
    ({"top_p": 0.0}, "top_p"),
    ({"temperature": 0.0}, "temperature"),
    ({"num_return_sequences": 2}, "cannot exceed num_beams"),
    ({"stop": "[1, 2]"}, "stop must be a JSON list"),
    ({"batch_size": 0}, "parameter 'batch_size' must be at least 1, got 0"),
    ({"max_new_tokens": "8"}, "must be integer"),
    ({"beams": 2}, "unknown parameter 'beams'"),
])
def test_bad_specs_are_refused_with_the_field_named(params, message):
    from evaluators import registry
    from evaluators.core.specs import SpecError

    with pytest.raises(SpecError, match=message):
        registry.get("codegen").make_spec(params)


def test_sampling_may_return_several_sequences():
    from evaluators import registry

    spec = registry.get("codegen").make_spec({"do_sample": True, "num_return_sequences": 3})
    assert spec.num_return_sequences == 3
