"""The dataset kind echo_length reads: lines of text (a kind no other evaluator declares)."""
from __future__ import annotations

from evaluators.core.datasets import ID_FIELD, DatasetKind, Fail, Field, register_kind, text_field


def _line(raw: dict, fail: Fail) -> dict:
    return {"text": text_field(raw, "text", fail)}


LINES = register_kind(DatasetKind(
    "echo_lines", "Lines to echo", ("jsonl",), (
        ID_FIELD,
        Field("text", "string", True, "A line the model should echo back."),
    ), '{"id": "1", "text": "hello"}', _line))
