"""Medusa decoding (Cai et al. 2024, "Medusa: Simple LLM Inference Acceleration Framework with
Multiple Decoding Heads"): extra heads on a frozen base model guess the tokens after the next
one, a tree of their top guesses is verified in one forward pass, and the longest accepted
branch is kept.

- `heads`: the heads (Medusa-1's residual block + projection), saving, loading, fingerprints.
- `training`: `python -m evaluators medusa-train` (the base stays frozen).
- `tree`: candidate trees (the paper's sparse `mc_sim_7b_63`, or a JSON list of paths) and the
  4-D tree attention mask.
- `acceptance`: greedy verification and typical acceptance.
- `decode`: the decoding loop on transformers' model forward and DynamicCache.

Nothing here is imported by `import evaluators`: torch loads only when Medusa is used.
"""
