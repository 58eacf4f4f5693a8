"""Models that are not causal LMs (encoder-only, encoder-decoder) are refused in one line,
at inspection, at load time and from `python -m evaluators`, before anything is scored."""
from __future__ import annotations

import json

import pytest

from evaluators.__main__ import main
from evaluators.core.base import EvaluationError, ModelRef
from evaluators.core.inspection import InspectionError, inspect_model
from evaluators.core.loading import load_model
from evaluators.core.model_kind import ENCODER_ONLY_TYPES, non_causal_kind

from .non_causal_models import SHAPES, build_non_causal

SCOPE = "Glassbox evaluates causal (decoder-only) language models"


@pytest.fixture(scope="module")
def non_causal(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("non-causal")
    return {name: build_non_causal(root, name) for name in SHAPES}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_inspection_refuses_a_model_that_is_not_a_causal_lm(non_causal, name):
    _, model_class, _, kind = SHAPES[name]
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(non_causal[name]))
    assert str(caught.value) == f"{non_causal[name]}: {model_class} is {kind}; {SCOPE}"


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_loading_refuses_it_naming_the_config_class(non_causal, name):
    config_class, _, _, kind = SHAPES[name]
    with pytest.raises(EvaluationError) as caught:
        load_model(ModelRef(str(non_causal[name])), device="cpu")
    assert str(caught.value) == f"model.config: {config_class} is {kind}; {SCOPE}"


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_command_line_ends_with_one_line_and_exit_code_2(non_causal, name, tmp_path, capsys):
    config_class, _, _, kind = SHAPES[name]
    data = tmp_path / "docs.jsonl"
    data.write_text(json.dumps({"id": "a", "text": "The quick brown fox."}) + "\n", encoding="utf-8")
    for argv in (["perplexity", "--data", str(data)],
                 ["bias", "--data", str(_pairs(tmp_path))]):
        code = main([*argv, "--model", str(non_causal[name]), "--device", "cpu"])
        captured = capsys.readouterr()
        assert code == 2 and captured.out == "", captured.out
        # Besides the (empty) progress bar, stderr holds the one line and nothing else.
        lines = [line for line in captured.err.replace("\r", "\n").splitlines()
                 if line.strip() and not line.startswith(f"{argv[0]}: ")]
        assert lines == [f"error: model.config: {config_class} is {kind}; {SCOPE}"], captured.err


def _pairs(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("sent_more,sent_less,stereo_antistereo,bias_type\n"
                    "He is a nurse.,She is a nurse.,stereo,gender\n", encoding="utf-8")
    return path


def test_an_encoder_family_model_set_up_as_a_decoder_is_causal():
    assert non_causal_kind({"model_type": "roberta", "architectures": ["RobertaForCausalLM"],
                            "is_decoder": True}) is None
    assert non_causal_kind({"model_type": "roberta", "architectures": ["RobertaForCausalLM"]}) == \
        "an encoder-only (masked LM) model"
    assert non_causal_kind({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}) is None
    assert non_causal_kind({"model_type": "gpt2", "is_decoder": False}) is None  # is_decoder only matters for encoders
    assert non_causal_kind({"model_type": "custom", "architectures": ["CustomForMaskedLM"]}) == \
        "an encoder-only (masked LM) model"


def test_the_encoder_list_covers_every_masked_lm_family_transformers_knows():
    from transformers import CONFIG_MAPPING
    from transformers.models.auto.modeling_auto import MODEL_FOR_MASKED_LM_MAPPING_NAMES

    encoders = {t for t in MODEL_FOR_MASKED_LM_MAPPING_NAMES if not CONFIG_MAPPING[t]().is_encoder_decoder}
    assert encoders <= ENCODER_ONLY_TYPES, sorted(encoders - ENCODER_ONLY_TYPES)
