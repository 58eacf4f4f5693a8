"""The whole under-trained-token scan of one model: tokenizer categories, the weight indicator, and
verification of the strongest candidates by asking the model to repeat them."""
from __future__ import annotations

from typing import Any, Callable

DEFAULT_THRESHOLD = 0.01


def escaped(text: str) -> str:
    """The token's text with line breaks, control and non-ASCII characters escaped, for JSON and pages."""
    return text.encode("unicode_escape").decode("ascii")


def default_candidates(normal_tokens: int) -> int:
    """Two in a hundred normal tokens, at least 20: what verification can afford on any vocabulary."""
    return max(20, normal_tokens // 50)


def scan_model(loaded: Any, *, candidates: int | None = None, threshold: float = DEFAULT_THRESHOLD,
               batch_size: int = 64, on_progress: Callable[[int, int], None] | None = None) -> dict:
    """Return the scan's summary: counts per category, the candidates and the confirmed tokens."""
    from .indicators import reference_rows, row_norms, untrained_indicator
    from .tokenizer_scan import category_counts, scan_tokenizer
    from .verify import repeat_probabilities

    model, tokenizer = loaded.model, loaded.tokenizer
    unembedding = model.get_output_embeddings().weight
    embedding = model.get_input_embeddings().weight
    infos = scan_tokenizer(tokenizer, vocab_size=unembedding.shape[0])
    categories = [info.category for info in infos]
    input_norms = row_norms(embedding)
    reference, reference_kind = reference_rows(categories, input_norms)
    indicator = untrained_indicator(unembedding, reference)
    output_norms = row_norms(unembedding)
    normal = [info.id for info in infos if info.category == "normal"]
    wanted = min(len(normal), candidates if candidates is not None else default_candidates(len(normal)))
    chosen = sorted(normal, key=lambda i: (-float(indicator[i]), i))[:wanted]
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if on_progress is not None:
            on_progress(done, len(chosen))

    probabilities = repeat_probabilities(model, tokenizer, chosen, batch_size, loaded.device, advance)
    rows = [{"id": i, "token": escaped(infos[i].text), "category": infos[i].category,
             "indicator": round(float(indicator[i]), 6), "unembedding_norm": round(float(output_norms[i]), 6),
             "embedding_norm": round(float(input_norms[i]), 6), "repeat_probability": probability}
            for i, probability in zip(chosen, probabilities)]
    confirmed = [row for row in rows if row["repeat_probability"] < threshold]
    return {"vocab_size": len(infos), "categories": category_counts(infos), "reference": reference_kind,
            "reference_tokens": len(reference), "threshold": threshold, "candidates": rows,
            "confirmed": confirmed, "confirmed_share": len(confirmed) / len(normal) if normal else 0.0}
