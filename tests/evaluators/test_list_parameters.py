"""Spec fields may be lists of ints or strings: JSON arrays on the platform, "a,b" in the shell."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evaluators import registry
from evaluators.core.specs import SpecError, canonical_json, spec_to_dict

ROOT = Path(__file__).resolve().parents[2]


def test_a_json_list_and_the_comma_string_make_the_same_spec():
    speed = registry.get("speed")
    from_list = speed.make_spec({"variants": ["greedy", "prompt-lookup"], "batch_sizes": [1, 4]})
    from_text = speed.make_spec({"variants": "greedy, prompt-lookup", "batch_sizes": "1,4"})
    assert from_list == from_text
    assert (from_list.variants, from_list.batch_sizes) == (("greedy", "prompt-lookup"), (1, 4))
    # Stored and fingerprinted as JSON arrays.
    as_dict = spec_to_dict(from_list)
    assert (as_dict["variants"], as_dict["batch_sizes"]) == (["greedy", "prompt-lookup"], [1, 4])
    assert '"batch_sizes":[1,4]' in canonical_json(as_dict)


def test_defaults_are_lists_too():
    spec = spec_to_dict(registry.get("speed").make_spec({}))
    assert (spec["variants"], spec["batch_sizes"]) == ([], [1])


@pytest.mark.parametrize("params, message", [
    ({"batch_sizes": [1, "4"]}, "parameter 'batch_sizes[1]' must be integer, got str"),
    ({"batch_sizes": [True]}, "parameter 'batch_sizes[0]' must be integer, got bool"),
    ({"batch_sizes": 4}, "parameter 'batch_sizes' must be a list of integers, got int"),
    ({"batch_sizes": "1,four"}, "parameter 'batch_sizes' must be a list of integers (or a comma-separated "
                                "string of them), got '1,four'"),
    ({"batch_sizes": [0]}, "parameter 'batch_sizes[0]' must be at least 1, got 0"),
    ({"batch_sizes": []}, "batch_sizes must list at least one size"),
    ({"variants": ["greedy", 3]}, "parameter 'variants[1]' must be string, got int"),
    ({"variants": ["greedy", "beam"]}, "variants: unknown variant 'beam'; known: "),
])
def test_bad_items_are_named_by_position(params, message):
    with pytest.raises(SpecError) as caught:
        registry.get("speed").make_spec(params)
    assert str(caught.value).startswith(message)


def test_the_schema_says_array_with_item_bounds():
    props = registry.get("speed").parameter_schema()["properties"]
    assert props["batch_sizes"]["type"] == "array"
    assert props["batch_sizes"]["items"] == {"type": "integer", "minimum": 1, "maximum": 256}
    assert props["batch_sizes"]["maxItems"] == 16
    assert props["batch_sizes"]["default"] == [1]
    assert props["variants"]["items"]["type"] == "string"
    assert props["variants"]["default"] == []
    json.dumps(props)


def test_the_shell_still_takes_commas(tmp_path):
    # The generic command of any evaluator with a list field reads "a,b"; speed's own does too.
    result = subprocess.run([sys.executable, "-m", "evaluators", "speed", "--model", str(tmp_path / "none"),
                             "--prompts", str(tmp_path / "none.jsonl"), "--batch-sizes", "1,0"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "parameter 'batch_sizes[1]' must be at least 1, got 0" in result.stderr
