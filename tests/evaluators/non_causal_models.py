"""Tiny random-init models that are not causal LMs (BERT, RoBERTa, T5), saved with save_pretrained.

Shared by the evaluator and registry tests: Glassbox must refuse each of them with one line.
"""
from __future__ import annotations

from pathlib import Path

# name -> (config class, model class, config keywords, the kind of model it is)
SHAPES = {
    "bert": ("BertConfig", "BertForMaskedLM",
             {"vocab_size": 99, "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
              "intermediate_size": 32, "max_position_embeddings": 64}, "an encoder-only (masked LM) model"),
    "roberta": ("RobertaConfig", "RobertaForMaskedLM",
                {"vocab_size": 99, "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
                 "intermediate_size": 32, "max_position_embeddings": 66}, "an encoder-only (masked LM) model"),
    "t5": ("T5Config", "T5ForConditionalGeneration",
           {"vocab_size": 99, "d_model": 16, "d_kv": 8, "d_ff": 32, "num_layers": 1, "num_heads": 2},
           "an encoder-decoder model"),
}


def build_non_causal(root: Path, name: str, seed: int = 0) -> Path:
    """Return root/name holding a seeded, untrained model of that family (config and safetensors)."""
    import torch
    import transformers

    config_class, model_class, keywords, _ = SHAPES[name]
    torch.manual_seed(seed)
    model = getattr(transformers, model_class)(getattr(transformers, config_class)(**keywords))
    model.save_pretrained(root / name)
    return root / name
