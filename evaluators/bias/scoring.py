"""Log-likelihoods of sentence pairs under the two methods, `sentence` and `shared-tokens`.

Every sentence is tokenized without special tokens and preceded by the tokenizer's BOS token
(EOS where there is none), which conditions the first token and is never scored — as
lm-evaluation-harness's crows_pairs does (empty context, so the prefix token is the context).

- `sentence`: the sum of the log-probabilities of all of the sentence's tokens.
- `shared-tokens`: the sum over the tokens the two sentences share only. The shared tokens are
  found by `difflib.SequenceMatcher(None, more_ids, less_ids, autojunk=False)` over the two
  token-id sequences (prefix excluded): every token in one of its matching blocks is shared,
  the rest (the modified words, e.g. "women" / "men") are not scored. Each shared token is
  scored in its own sentence, conditioned on all of that sentence's preceding tokens —
  modified ones included — so both sentences score the same token ids, the same number of
  them, and the frequency of the group word itself no longer enters the comparison. This is
  the causal-LM counterpart of CrowS-Pairs' own pseudo-log-likelihood, which scores the
  unmodified tokens of a masked LM. Alignment is over tokens, not words: where a tokenizer
  merges a modified word with a neighbour, that neighbour's tokens differ and are not shared.
"""
from __future__ import annotations

import math
from difflib import SequenceMatcher

from ..core.likelihood import token_logprobs
from ..core.loading import LoadedModel
from ..core.rolling import prefix_token_id

METHODS = ("sentence", "shared-tokens")


def shared_positions(more_ids: list[int], less_ids: list[int]) -> tuple[list[int], list[int]]:
    """Return the indices (into each sentence's tokens) of the tokens both sentences share."""
    matcher = SequenceMatcher(None, more_ids, less_ids, autojunk=False)
    in_more: list[int] = []
    in_less: list[int] = []
    for block in matcher.get_matching_blocks():
        in_more.extend(range(block.a, block.a + block.size))
        in_less.extend(range(block.b, block.b + block.size))
    return in_more, in_less


def score_pairs(loaded: LoadedModel, pairs: list[dict], method: str, batch_size: int,
                max_tokens: int | None = None) -> list[dict]:
    """Return one record per pair: both log-likelihoods and the tokens they cover.

    The 2 * len(pairs) sentences are scored together (sorted by length, `batch_size` per
    forward pass), so the numbers depend only on the pairs given and on batch_size.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method '{method}'; use {' or '.join(METHODS)}")
    tokenizer = loaded.tokenizer
    prefix = prefix_token_id(tokenizer)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else prefix
    sentences = [text for pair in pairs for text in (pair["sent_more"], pair["sent_less"])]
    encoded = tokenizer(sentences, add_special_tokens=False, verbose=False).input_ids
    for text, ids in zip(sentences, encoded):
        _check_length(text, ids, max_tokens)
    logprobs = token_logprobs(loaded.model, [[prefix, *ids] for ids in encoded], batch_size, pad_id)

    records = []
    for index, pair in enumerate(pairs):
        more_ids, less_ids = encoded[2 * index], encoded[2 * index + 1]
        more_lp, less_lp = logprobs[2 * index], logprobs[2 * index + 1]
        if method == "sentence":
            keep_more, keep_less = range(len(more_ids)), range(len(less_ids))
        else:
            keep_more, keep_less = shared_positions(more_ids, less_ids)
        records.append({
            "bias_type": pair["bias_type"],
            "stereo_antistereo": pair["stereo_antistereo"],
            "sent_more": pair["sent_more"],
            "sent_less": pair["sent_less"],
            "ll_more": math.fsum(more_lp[i] for i in keep_more),
            "ll_less": math.fsum(less_lp[i] for i in keep_less),
            "tokens_more": len(more_ids),
            "tokens_less": len(less_ids),
            "scored_more": len(keep_more),
            "scored_less": len(keep_less),
        })
    return records


def _check_length(text: str, ids: list[int], max_tokens: int | None) -> None:
    from ..core.base import EvaluationError

    if not ids:
        raise EvaluationError(f"the sentence {text!r} has no tokens")
    if max_tokens is not None and len(ids) + 1 > max_tokens:
        raise EvaluationError(f"the sentence {text[:60]!r}… is {len(ids)} tokens long; with its "
                              f"prefix token that exceeds the model's context of {max_tokens}")
