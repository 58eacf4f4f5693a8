"""Model cards (README.md) for the demo models: what they are and how they were made."""
from __future__ import annotations

import platform

_PURPOSE = {
    "base": "the demo model that Glassbox's perplexity, bias and code evaluations score",
    "draft": "a draft model for assisted (speculative) decoding with glassbox-demo-base; "
             "it shares base's tokenizer",
}


def model_card(name: str, parameters: int, final_loss: float, facts: dict) -> str:
    """Return the README.md text of demo model `name`."""
    return f"""---
license: other
library_name: transformers
pipeline_tag: text-generation
---
# glassbox-demo-{name}

A small Llama-style causal language model, {_PURPOSE[name]}. It exists so that Glassbox
can be tried and tested with no download; it is not a useful model of code.

- Parameters: {parameters:,}
- Context length: 512 tokens; byte-level BPE tokenizer, 4,096 tokens, with <s>, </s>, <pad>
- Training data: the {facts['files']} top-level modules of the Python {platform.python_version()}
  standard library's source, except about one in ten held back by a hash of the file name
  (those make the demo text dataset: `python -m evaluators demo-data`)
- Training: {facts['steps']} steps of {facts['batch_size']} blocks of {facts['block_size']} tokens
  ({facts['training_tokens']:,} tokens seen, of a {facts['corpus_tokens']:,}-token corpus),
  AdamW, peak learning rate {facts['peak_lr']}, warm-up then cosine decay, seed {facts['seed']}
- Final training loss: {final_loss:.3f} nats per token
- Built by `python -m evaluators demo-models` in {facts['build_seconds']} s

## License

The weights are derived from the Python standard library's source, which is distributed
under the Python Software Foundation License; treat them under the same terms.
"""
