"""Whether a config describes a causal (decoder-only) language model, the only kind Glassbox evaluates.

transformers loads an encoder such as RoBERTa through AutoModelForCausalLM as RobertaForCausalLM
with `is_decoder=False` (it only warns): every scored token then attends to the tokens after it,
and perplexity, bias and code scores come out as confident nonsense. Encoder-decoder models
(T5, BART) have no causal LM class at all. Both are refused before anything is scored.

Read from config.json as a plain dict, so registration needs neither torch nor transformers.
"""
from __future__ import annotations

# Model types transformers knows as masked-LM encoders (its MODEL_FOR_MASKED_LM_MAPPING_NAMES, less
# the encoder-decoders BART, mBART and MVP). Some of them (BERT, RoBERTa, ...) have a *ForCausalLM
# class, which is causal only when the config says is_decoder (XLM calls the switch `causal`).
# tests/evaluators/test_model_kind.py checks this list against the installed transformers.
ENCODER_ONLY_TYPES = frozenset({
    "albert", "bert", "big_bird", "camembert", "convbert", "data2vec-text", "deberta", "deberta-v2",
    "distilbert", "electra", "ernie", "esm", "esmc", "eurobert", "flaubert", "fnet", "funnel", "gte", "ibert",
    "jina_embeddings_v3", "layoutlm", "longformer", "luke", "megatron-bert", "mobilebert", "modernbert",
    "modernvbert", "mpnet", "mra", "neomme", "nomic_bert", "nystromformer", "perceiver", "reformer", "rembert",
    "roberta", "roberta-prelayernorm", "roc_bert", "roformer", "squeezebert", "tapas", "ultrabert",
    "ultravbert", "xlm", "xlm-roberta", "xlm-roberta-xl", "xmod", "yoso",
})
ENCODER_ONLY = "an encoder-only (masked LM) model"
ENCODER_DECODER = "an encoder-decoder model"
SCOPE = "Glassbox evaluates causal (decoder-only) language models"


def non_causal_kind(config: dict) -> str | None:
    """Return what kind of model that is not a causal LM `config` describes, or None for a causal LM."""
    if config.get("is_encoder_decoder") is True:
        return ENCODER_DECODER
    architectures = config.get("architectures")
    architecture = architectures[0] if isinstance(architectures, list) and architectures else ""
    decoder = config.get("is_decoder") is True or config.get("causal") is True
    if decoder:
        return None
    if config.get("model_type") in ENCODER_ONLY_TYPES or str(architecture).endswith("ForMaskedLM"):
        return ENCODER_ONLY
    return None
