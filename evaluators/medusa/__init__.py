"""Medusa decoding (Cai et al. 2024, "Medusa: Simple LLM Inference Acceleration Framework with
Multiple Decoding Heads"): extra heads on a frozen base model guess the tokens after the next
one, a tree of their top guesses is verified in one forward pass, and the longest accepted
branch is kept.

- `heads`: the heads (Medusa-1's residual block + projection), saving, loading, fingerprints.
- `training`: the loss, the training sequences and the loop (the base stays frozen);
  `train_job`: one whole training, run by `python -m evaluators medusa-train` and by
  `evaluator`, the registered `medusa-train` evaluator (the heads are its run's files).
- `tree`: candidate trees (the paper's sparse `mc_sim_7b_63`, or a JSON list of paths) and the
  4-D tree attention mask.
- `acceptance`: greedy verification and typical acceptance.
- `decode`: the decoding loop on transformers' model forward and DynamicCache.

`import evaluators` imports `evaluator` only (it registers `medusa-train`); torch loads only
when Medusa is used.
"""
from . import evaluator  # noqa: F401  (registers the medusa-train evaluator)
