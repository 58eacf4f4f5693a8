"""The repetition prompts that verify a candidate glitch token, as a dataset kind.

A prompt is a template with one `{token}` where the candidate goes; the model should continue the
template with the candidate itself, so the text after `{token}` must end where the repeated word
starts (`...\\n{token}->`, `'{token}' = '`). The candidate is spliced in as its token id, never as
text, so it is exactly one token whatever the tokenizer would make of its text. A row with
`"chat": true` is rendered with the tokenizer's chat template as the user's message (with the
generation prompt after it), for chat models; tokenizers without a chat template skip such rows.

The platform stores prompt sets as datasets of kind `repeat_prompts`, so a leaderboard compares
models scanned with the same prompts; the shell uses DEFAULT_PROMPTS unless given a file.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.datasets import DatasetKind, Fail, Field, ID_FIELD, json_type, register_kind, text_field

PLACEHOLDER = "{token}"

# Suited to base models trained on code or prose: a few examples of the task, then the candidate.
DEFAULT_PROMPTS = (
    {"id": "arrow", "template": "Repeat each word.\nvalue->value\nreturn->return\nitems->items\n{token}->"},
    {"id": "quotes", "template": "Copy the string exactly.\n'name' = 'name'\n'data' = 'data'\n"
                                 "'key' = 'key'\n'{token}' = '"},
    {"id": "chat", "chat": True, "template": "Please repeat the following string back to me exactly, "
                                             "and nothing else: {token}"},
)


def normalize_prompt(raw: dict, fail: Fail) -> dict:
    template = text_field(raw, "template", fail)
    if template.count(PLACEHOLDER) != 1:
        raise fail("template", f"field 'template' must contain {PLACEHOLDER} exactly once, "
                               f"found it {template.count(PLACEHOLDER)} times")
    chat = raw.get("chat", False)
    if not isinstance(chat, bool):
        raise fail("chat", f"field 'chat' must be true or false, got {json_type(chat)}")
    return {"template": template, "chat": chat}


REPEAT_PROMPTS = register_kind(DatasetKind(
    "repeat_prompts", "Repetition prompts (glitch-token scan)", ("jsonl",), (
        ID_FIELD,
        Field("template", "string", True, "The prompt, with {token} where the candidate token goes; the "
                                          "model should continue it with the candidate."),
        Field("chat", "boolean", False, "true: wrap it in the tokenizer's chat template as the user's message "
                                        "(skipped for tokenizers without one). Default false."),
    ), json.dumps(DEFAULT_PROMPTS[0]), normalize_prompt))


def default_prompt_rows() -> list[dict]:
    """DEFAULT_PROMPTS as read_dataset would return them (ids as strings, chat filled in)."""
    return [{"id": row["id"], "template": row["template"], "chat": bool(row.get("chat", False))}
            for row in DEFAULT_PROMPTS]


def write_default_prompts(path: str | Path) -> Path:
    """Write DEFAULT_PROMPTS as a repeat_prompts JSONL file (the demo uploads it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in DEFAULT_PROMPTS), encoding="utf-8")
    return path


def usable(tokenizer: Any, rows: list[dict]) -> list[dict]:
    """The rows this tokenizer can run: chat rows need a chat template."""
    has_chat = bool(getattr(tokenizer, "chat_template", None))
    return [row for row in rows if has_chat or not row["chat"]]


def prompt_ids(tokenizer: Any, row: dict) -> tuple[list[int], list[int]]:
    """Return (ids before the candidate, ids after it) for one prompt row.

    A base prompt starts with the BOS token where the tokenizer has one; a chat prompt gets
    whatever special tokens its template writes.
    """
    def ids(text: str) -> list[int]:
        return tokenizer.encode(text, add_special_tokens=False) if text else []

    if row["chat"]:
        # Render with a marker no template contains, then split the text around it.
        marker = "\u2063GLASSBOXTOKEN\u2063"
        rendered = tokenizer.apply_chat_template([{"role": "user", "content": row["template"].replace(
            PLACEHOLDER, marker)}], tokenize=False, add_generation_prompt=True)
        before, after = rendered.split(marker, 1)
        return ids(before), ids(after)
    before, after = row["template"].split(PLACEHOLDER, 1)
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    return bos + ids(before), ids(after)
