"""BBQ multiple choice: the answer the model finds most likely after the question.

Prompt (lm-evaluation-harness's bbq format): "{context}\\n\\nQ: {question}\\nA:" and each
answer as the continuation " {answer}". The prompt's tokens (no special tokens) follow the
tokenizer's BOS token (EOS where there is none); the continuation is tokenized on its own and
appended, and only its tokens are scored. Two differences from the harness: it adds no BOS
token before a non-empty prompt (Glassbox always conditions the first token, as everywhere
else), and it tokenizes prompt + continuation together and splits (with BPE tokenizers that
split words at the space, the tokens are the same). The chosen answer is the one with the
highest score, the first on a tie:

- normalization "none" (default): the sum of the continuation's token log-probabilities;
- normalization "per-token": that sum divided by the continuation's token count.
"""
from __future__ import annotations

import math

from ..core.base import EvaluationError
from ..core.likelihood import token_logprobs
from ..core.loading import LoadedModel
from ..core.rolling import prefix_token_id

NORMALIZATIONS = ("none", "per-token")
PROMPT = "{context}\n\nQ: {question}\nA:"


def score_examples(loaded: LoadedModel, examples: list[dict], normalization: str,
                   batch_size: int, max_tokens: int | None = None) -> list[dict]:
    """Return one record per example: its three answer log-likelihoods, token counts and choice.

    The 3 * len(examples) sequences are scored together (sorted by length, `batch_size` per
    forward pass), so the numbers depend only on the examples given and on batch_size.
    """
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"unknown normalization '{normalization}'; use {' or '.join(NORMALIZATIONS)}")
    tokenizer = loaded.tokenizer
    prefix = prefix_token_id(tokenizer)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else prefix
    prompts = tokenizer([PROMPT.format(context=e["context"], question=e["question"]) for e in examples],
                        add_special_tokens=False, verbose=False).input_ids
    answers = tokenizer([" " + e[f"ans{k}"] for e in examples for k in range(3)],
                        add_special_tokens=False, verbose=False).input_ids
    sequences = [[prefix, *prompts[i], *answers[3 * i + k]] for i in range(len(examples)) for k in range(3)]
    for index, sequence in enumerate(sequences):
        if max_tokens is not None and len(sequence) > max_tokens:
            example = examples[index // 3]
            raise EvaluationError(f"example {example.get('id', index // 3)}: prompt and answer are "
                                  f"{len(sequence)} tokens, more than the model's context of {max_tokens}")
    logprobs = token_logprobs(loaded.model, sequences, batch_size, pad_id)
    records = []
    for i, example in enumerate(examples):
        counts = [len(answers[3 * i + k]) for k in range(3)]
        sums = [math.fsum(logprobs[3 * i + k][-counts[k]:]) for k in range(3)]
        scores = sums if normalization == "none" else [s / c for s, c in zip(sums, counts)]
        choice = max(range(3), key=lambda k: (scores[k], -k))  # the first answer on a tie
        records.append({"category": example["category"], "condition": example["context_condition"],
                        "polarity": example["question_polarity"], "label": example["label"],
                        "unknown": example["unknown"], "target": example["target"],
                        "loglikelihoods": sums, "tokens": counts, "choice": choice})
    return records
