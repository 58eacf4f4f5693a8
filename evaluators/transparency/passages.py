"""Documents cut into passages that keep their character offsets in the original text."""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 1200  # longer paragraphs are cut at sentence ends, so evidence stays quotable


@dataclass(frozen=True)
class Passage:
    document: str
    start: int
    end: int
    text: str


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_CHARS:
        return [(start, end)]
    cuts, begin = [], start
    for match in re.finditer(r"[.!?](\s+)", text[start:end]):
        stop = start + match.start() + 1
        if stop - begin >= MAX_CHARS // 2:
            cuts.append((begin, stop))
            begin = start + match.end()
    cuts.append((begin, end))
    return [(a, b) for a, b in cuts if text[a:b].strip()]


def split(document: str, text: str) -> list[Passage]:
    """Return the passages of a text: paragraphs split at blank lines, each with its offsets."""
    passages = []
    for match in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*\Z)", text, flags=re.S):
        for start, end in _pieces(text, match.start(), match.end()):
            passages.append(Passage(document, start, end, text[start:end]))
    return passages
