"""Turning a model's raw continuation into the code that gets scored: stop sequences and fences.

Pure string work, no torch: the order is fixed (cut at the earliest stop sequence, then take
the code out of a Markdown fence if the model wrote one), so a record's "raw" text always
reproduces its "generation".
"""
from __future__ import annotations

import json
import re

# An opening fence: ``` or ~~~ (3+), an optional info string ("python", "py title=x"), a newline.
_OPEN = re.compile(r"(?m)^[ \t]*(`{3,}|~{3,})[^\n`]*\n")


def parse_stop(value: str) -> list[str]:
    """Return the stop sequences encoded in `value`, a JSON list of strings ("" means none).

    JSON, because a spec field must be a plain string and stop sequences are usually made of
    newlines and spaces: '["\\ndef ", "\\nclass "]' says exactly what it means.
    """
    if value is None or not value.strip():
        return []
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        example = r'["\ndef ", "\n\n"]'
        raise ValueError(f"stop must be a JSON list of strings such as '{example}'; "
                         f"cannot parse {value!r}: {error.msg}") from None
    if isinstance(parsed, str):
        parsed = [parsed]
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        raise ValueError(f"stop must be a JSON list of strings, got {value!r}")
    if any(item == "" for item in parsed):
        raise ValueError("stop sequences must not be empty strings (an empty one would cut everything)")
    return parsed


def cut_at_stop(text: str, stops: list[str]) -> str:
    """Return `text` up to (not including) the earliest occurrence of any stop sequence."""
    end = len(text)
    for stop in stops:
        found = text.find(stop)
        if found != -1 and found < end:
            end = found
    return text[:end]


def has_stop(text: str, stops: list[str]) -> bool:
    """Return True when `text` holds a stop sequence (generation of that sample may end)."""
    return any(stop in text for stop in stops)


def extract_code(text: str) -> str:
    """Return the body of the first Markdown code fence in `text`, or `text` when it has none.

    A fence left open (the model ran out of tokens) yields everything after its opening line;
    a closing fence must use the same character, at least as many times, as the CommonMark
    spec says.
    """
    opening = _OPEN.search(text)
    if opening is None:
        return text
    fence = opening.group(1)
    body_start = opening.end()
    closing = re.compile(rf"(?m)^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    end = closing.search(text, body_start)
    return text[body_start:end.start() if end else len(text)]


def finish(raw: str, stops: list[str]) -> str:
    """Return the scored code of one raw continuation: cut at stops, then out of any fence."""
    return extract_code(cut_at_stop(raw, stops))
