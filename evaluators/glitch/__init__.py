"""Under-trained ("glitch") tokens: the scan of Land & Bartolo (2024, "Fishing for Magikarp").

tokenizer_scan.py sorts every token by what the tokenizer can do with it, indicators.py scores
how untrained each unembedding row looks, verify.py asks the model to repeat the strongest
candidates with the prompts of prompts.py, scan.py puts the three together, and evaluator.py
registers it as the `glitch-tokens` evaluator (`python -m evaluators glitch-tokens`).
"""
from . import evaluator  # noqa: F401  (registers the dataset kind and the evaluator)
