"""Exemplars: passages that FMTI experts scored for an indicator (another developer's disclosure
or a scoring justification), with the score they gave. A new passage that reads like the
exemplars of an indicator is probably about it, and their scores say whether such a passage
usually earns the point.

The built-in banks come from the FMTI data (CC BY 4.0): for fmti-2023/2024, the 2023 scoring
justifications and the May 2024 developer reports; for fmti-2025, the December 2025 reports.
A developer's own exemplars are left out when its documents are scored (`exclude`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .checklists import DATA_DIR

BANKS = {"fmti-2023": "fmti-2024", "fmti-2024": "fmti-2024", "fmti-2025": "fmti-2025"}
_GENERIC = frozenset({"ai", "labs", "lab", "inc", "the", "and", "fmtransparencyreport"})


@dataclass(frozen=True)
class Exemplar:
    position: int  # 0-based row of the indicator in its checklist
    text: str
    score: int
    developer: str


def developer_words(name: str) -> frozenset[str]:
    """Return the distinctive words of a developer's name ("BigCode_Hugging_Face" -> bigcode, hugging, face)."""
    return frozenset(re.findall(r"[a-z0-9]+", name.lower().replace("_", " "))) - _GENERIC


@dataclass
class ExemplarBank:
    name: str
    items: tuple[Exemplar, ...]
    stored: object = None  # MiniLM embeddings shipped with a built-in bank (float16), or None
    _embeddings: dict = field(default_factory=dict, repr=False)
    topics: dict = field(default_factory=dict, repr=False)  # fitted topic models by (embedder, exclude)

    def embeddings(self, embedder):
        """Return the exemplars' embeddings: the shipped ones for MiniLM, else computed once per embedder."""
        from .embedding import MiniLMEmbedder

        if isinstance(embedder, MiniLMEmbedder) and self.stored is not None:
            return self.stored
        key = id(embedder)
        if key not in self._embeddings:
            self._embeddings[key] = embedder.encode([item.text for item in self.items])
        return self._embeddings[key]

    def keep_mask(self, exclude: str | None) -> list[bool]:
        """Return, per exemplar, whether it may be used when scoring developer `exclude`."""
        words = developer_words(exclude) if exclude else frozenset()
        return [not (words & developer_words(item.developer)) for item in self.items]


@lru_cache(maxsize=4)
def builtin_bank(checklist_name: str) -> ExemplarBank | None:
    """Return the exemplar bank shipped for a built-in checklist, or None."""
    bank = BANKS.get(checklist_name)
    path = DATA_DIR / f"{bank}-exemplars.json"
    if bank is None or not path.exists():
        return None
    rows = json.loads(path.read_text(encoding="utf-8"))["exemplars"]
    stored = None
    vectors = DATA_DIR / f"{bank}-exemplars.npy"
    if vectors.exists():
        import numpy as np

        stored = np.load(vectors).astype(np.float32)
        if stored.shape[0] != len(rows):
            stored = None  # stale: the texts changed after the vectors were made
    return ExemplarBank(bank, tuple(Exemplar(r["position"], r["text"], r["score"], r["developer"]) for r in rows),
                        stored)
