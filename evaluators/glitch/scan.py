"""The under-trained-token scan of one model, in its three steps: tokenizer categories and the
weight indicator choose the candidates (`select_candidates`), the repetition prompts verify them
(`verify_candidates`, a group at a time so a run can resume), and `summarize` reports."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_THRESHOLD = 0.01


def escaped(text: str) -> str:
    """The token's text with line breaks, control and non-ASCII characters escaped, for JSON and pages."""
    return text.encode("unicode_escape").decode("ascii")


def default_candidates(normal_tokens: int) -> int:
    """Two in a hundred normal tokens, at least 20: what verification can afford on any vocabulary."""
    return max(20, normal_tokens // 50)


@dataclass(frozen=True)
class Selection:
    """What the weights and the tokenizer say before any prompt runs."""

    infos: list  # TokenInfo per row of the unembedding
    indicator: Any  # tensor, one value per row
    input_norms: Any
    output_norms: Any
    reference: str  # how the "untrained" reference rows were chosen
    reference_tokens: int
    normal_tokens: int
    chosen: list[int]  # the candidates, strongest indicator first


def select_candidates(model: Any, tokenizer: Any, candidates: int | None = None) -> Selection:
    """Categorise every token, score every row, and pick the `candidates` strongest normal tokens."""
    from .indicators import reference_rows, row_norms, untrained_indicator
    from .tokenizer_scan import scan_tokenizer

    unembedding = model.get_output_embeddings().weight
    infos = scan_tokenizer(tokenizer, vocab_size=unembedding.shape[0])
    categories = [info.category for info in infos]
    input_norms = row_norms(model.get_input_embeddings().weight)
    reference, reference_kind = reference_rows(categories, input_norms)
    indicator = untrained_indicator(unembedding, reference)
    normal = [info.id for info in infos if info.category == "normal"]
    wanted = min(len(normal), candidates if candidates is not None else default_candidates(len(normal)))
    # Ties broken by id, so the same weights always give the same candidates in the same order.
    chosen = sorted(normal, key=lambda i: (-float(indicator[i]), i))[:wanted]
    return Selection(infos, indicator, input_norms, row_norms(unembedding), reference_kind, len(reference),
                     len(normal), chosen)


def verify_candidates(loaded: Any, selection: Selection, token_ids: list[int], prompts: list[dict],
                      threshold: float, batch_size: int) -> list[dict]:
    """Return one record per token: its indicators, repeat probability per prompt and the verdict."""
    from .verify import repeat_probabilities

    by_prompt = repeat_probabilities(loaded.model, loaded.tokenizer, token_ids, batch_size, loaded.device, prompts)
    records = []
    for token_id, probabilities in zip(token_ids, by_prompt):
        info = selection.infos[token_id]
        highest = max(probabilities.values())
        records.append({"id": token_id, "token": escaped(info.text), "category": info.category,
                        "indicator": round(float(selection.indicator[token_id]), 6),
                        "unembedding_norm": round(float(selection.output_norms[token_id]), 6),
                        "embedding_norm": round(float(selection.input_norms[token_id]), 6),
                        "repeat_probability": highest, "by_prompt": probabilities,
                        "confirmed": highest < threshold})
    return records


def summarize(selection: Selection, records: list[dict], prompts: list[dict], skipped: list[str],
              threshold: float) -> dict:
    """The scan's output: counts per category, the candidates and the confirmed tokens."""
    from .tokenizer_scan import category_counts

    confirmed = [record for record in records if record["confirmed"]]
    normal = selection.normal_tokens
    return {"vocab_size": len(selection.infos), "categories": category_counts(selection.infos),
            "normal_tokens": normal, "reference": selection.reference,
            "reference_tokens": selection.reference_tokens, "threshold": threshold,
            "prompts": [row["id"] for row in prompts], "prompts_skipped": skipped,
            "candidates": records, "confirmed": confirmed, "confirmed_tokens": len(confirmed),
            "confirmed_share": len(confirmed) / normal if normal else 0.0}
