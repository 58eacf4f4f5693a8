"""The dataset kind the speed evaluator reads: prompts to generate from."""
from __future__ import annotations

from ..core.datasets import ID_FIELD, DatasetKind, Fail, Field, register_kind, text_field


def _prompt_row(raw: dict, fail: Fail) -> dict:
    return {"prompt": text_field(raw, "prompt", fail)}


PROMPTS = register_kind(DatasetKind(
    "prompts", "Prompts (decoding speed)", ("jsonl",), (
        ID_FIELD,
        Field("prompt", "string", True, "A prompt to generate from when measuring decoding speed."),
    ), '{"id": "p1", "prompt": "Write a haiku about autumn."}', _prompt_row))
