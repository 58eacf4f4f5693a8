"""Perplexity of a causal language model on a text dataset, with word- and byte-level variants.

Each document is scored on its own: its tokens (no special tokens added) follow the
tokenizer's BOS token (EOS where there is none), which conditions the first token and is
never scored. Documents longer than max_length are scored in strided windows (see
`evaluators.core.rolling`), every token exactly once. Totals are float64 sums of natural-log NLL:

    perplexity      = exp(NLL / tokens)
    word_perplexity = exp(NLL / words),  words = len(text.split())
    byte_perplexity = exp(NLL / bytes),  bytes = len(text.encode("utf-8"))
    bits_per_byte   = NLL / bytes / ln 2

These are lm-evaluation-harness's loglikelihood_rolling formulas, with one difference in
the word count: the harness counts len(re.split(r"\\s+", text)), which adds an empty field
for leading or trailing whitespace ("a b\\n" is 3 words there, 2 here). Glassbox counts
text.split(), so its word_perplexity can be slightly higher on such texts.

Documents are processed in fixed groups of GROUP_BATCHES * batch_size consecutive rows, whose
windows are sorted by length and batched together. A resumed run skips the groups whose
documents are all done and recomputes the others whole, so it batches exactly as an
uninterrupted run did and ends with bit-identical numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..core import registry
from ..core.base import EvaluationError, Evaluator, Metric, RunContext, SampleStatistic, with_statistics
from ..core.precision import precision_field
from ..core.specs import SpecError, checked_spec
from .data import TEXT
from .page import PAGE, SAMPLE_SCORE
from .summary import summarize
from ..core.oom import BatchBackoff
from ..core.resumable import row_keys, score_in_groups

# Documents per group, in batches: a group's windows are sorted by length before batching,
# so a larger group pads less (7% of the demo data's tokens are padding with 1 batch of
# documents per group, 2.5% with 4); a smaller one loses less work when a worker dies.
GROUP_BATCHES = 4


# Released models reach a context of 2**20 tokens; a window or stride longer than that is a typo.
# The platform checks both against the model's own context before queuing (see core/limits.py).
MAX_WINDOW = 2**20
# Windows per forward pass, each up to a whole context long: 256 is already more than fits on
# one GPU for contexts of a few thousand tokens, and BatchBackoff halves what does not fit.
MAX_BATCH_SIZE = 256


@dataclass(frozen=True)
class PerplexitySpec:
    max_length: int | None = field(default=None, metadata={
        "help": "Window length in tokens; null means the model's context length.",
        "min": 2, "max": MAX_WINDOW, "context": "within"})
    stride: int | None = field(default=None, metadata={
        "help": "Tokens between window starts, below max_length; null means max_length // 2. "
                "Smaller strides give each token more context and cost more compute.",
        "min": 1, "max": MAX_WINDOW, "context": "below"})
    batch_size: int = field(default=8, metadata={
        "help": "Windows per forward pass. Documents are scored (and a stopped run "
                "resumes) in groups of 4 * batch_size; results depend on it only at the "
                "level of floating-point rounding.",
        "min": 1, "max": MAX_BATCH_SIZE})

    precision: str = precision_field()

    def validate(self) -> None:
        """Raise ValueError naming the first parameter out of range (each field's own bounds
        are checked from its metadata before this; this is the rule between fields)."""
        if self.stride is not None and self.max_length is not None:
            check_stride(self.stride, self.max_length)


def check_stride(stride: int, max_length: int) -> None:
    """Raise ValueError unless windows overlap, as every scored token needs context."""
    if stride > max_length:
        raise ValueError(f"stride ({stride}) must not exceed max_length ({max_length})")
    if stride == max_length:
        raise ValueError(f"stride ({stride}) must be smaller than max_length ({max_length}): "
                         "windows must overlap by at least one token, or the first token of "
                         "each window would have no context and go unscored")


def resolve_windows(spec: PerplexitySpec, context: int | None) -> tuple[int, int]:
    """Return (max_length, stride) with the defaults filled in from the model's context."""
    if spec.max_length is None and context is None:
        raise EvaluationError("the model's config has no max_position_embeddings; "
                              "set max_length")
    if spec.max_length is not None and context is not None and spec.max_length > context:
        raise EvaluationError(f"max_length {spec.max_length} is larger than the model's "
                              f"context length {context}; use at most {context}")
    max_length = spec.max_length if spec.max_length is not None else context
    stride = spec.stride if spec.stride is not None else max_length // 2
    try:
        check_stride(stride, max_length)
    except ValueError as error:
        raise SpecError(str(error)) from None
    return max_length, stride


def document_keys(rows: list[dict]) -> list[str]:
    """Return each row's key, checking that every row has a text."""
    keys = row_keys(rows, "documents")
    for index, (key, row) in enumerate(zip(keys, rows)):
        if not isinstance(row.get("text"), str):
            raise EvaluationError(f"row {index} (id {key}): field 'text' must be a string")
    return keys


def run(ctx: RunContext) -> dict:
    """Return the perplexity figures of ctx.model on ctx.rows, reporting each document."""
    from ..core.loading import context_length, load_model
    from .groups import score_group

    spec = checked_spec(PerplexitySpec, ctx.spec)
    keys = document_keys(ctx.rows)
    if not keys:
        raise EvaluationError("the dataset has no documents")
    loaded = load_model(ctx.model, ctx.device, spec.precision)
    ctx.on_environment(loaded.environment)
    max_length, stride = resolve_windows(spec, context_length(loaded.model))

    backoff = BatchBackoff(spec.batch_size)

    def score(group: list[int]) -> list[dict]:
        texts = [ctx.rows[i]["text"] for i in group]
        return backoff.call(lambda size: score_group(loaded, texts, max_length, stride, size))

    records = score_in_groups(ctx, keys, GROUP_BATCHES * spec.batch_size, score)
    summary = summarize(records, max_length=max_length, stride=stride, batch_size=spec.batch_size)
    return {**summary, **backoff.report()}


METRICS = (
    Metric("perplexity", "lower", "exp of the mean negative log-likelihood per token"),
    Metric("word_perplexity", "lower", "exp of the negative log-likelihood per word "
                                       "(words = whitespace-separated fields)"),
    Metric("byte_perplexity", "lower", "exp of the negative log-likelihood per UTF-8 byte"),
    Metric("bits_per_byte", "lower", "negative log-likelihood in bits per UTF-8 byte; "
                                     "comparable across tokenizers", unit="bits/byte"),
)



def _nll_per(unit: str) -> SampleStatistic:
    """Return the statistic (nll, unit count) of a document record, for NLL per token/word/byte."""
    return SampleStatistic(("nll", unit), lambda record: (record["nll"], record[unit]),
                           lambda sums: sums[..., 0] / sums[..., 1])


def _exp_of(statistic: SampleStatistic) -> SampleStatistic:
    def reduce(sums):
        import numpy as np  # here, not at import: `import evaluators` stays free of numpy

        return np.exp(statistic.reduce(sums))
    return SampleStatistic(statistic.fields, statistic.read, reduce)


def _bits(statistic: SampleStatistic) -> SampleStatistic:
    return SampleStatistic(statistic.fields, statistic.read, lambda sums: statistic.reduce(sums) / math.log(2))


# Every figure is a pooled ratio of summed NLL over summed units (see the module docstring).
METRICS = with_statistics(METRICS, {
    "perplexity": _exp_of(_nll_per("tokens")),
    "word_perplexity": _exp_of(_nll_per("words")),
    "byte_perplexity": _exp_of(_nll_per("bytes")),
    "bits_per_byte": _bits(_nll_per("bytes")),
})

EVALUATOR = registry.register(Evaluator(
    name="perplexity", version="1", dataset_kind=TEXT.kind, spec_class=PerplexitySpec,
    metrics=METRICS, run=run, page=PAGE, sample_score=SAMPLE_SCORE, queue="gpu",
    description="Strided-window perplexity, word/byte perplexity and bits per byte of a "
                "causal language model on documents, with 95% bootstrap intervals."))
