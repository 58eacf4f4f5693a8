"""The dataset kind perplexity reads: documents, one per JSONL line or one whole .txt file."""
from __future__ import annotations

from ..core.datasets import ID_FIELD, DatasetKind, Fail, Field, register_kind, text_field


def _text_row(raw: dict, fail: Fail) -> dict:
    return {"text": text_field(raw, "text", fail)}


TEXT = register_kind(DatasetKind(
    "text", "Text (perplexity)", ("jsonl", "txt"), (
        ID_FIELD,
        Field("text", "string", True, "A document scored for perplexity. A .txt file is one document."),
    ), '{"id": "doc-1", "text": "The quick brown fox jumps over the lazy dog."}', _text_row))
