"""Code for checking CodeBLEU's compiled path against the Python one, per language.

corpus/<language>.txt holds functions of 5 to 30 lines written to reach every data-flow rule in
dataflow_rules.py for their language (assignments single, multiple and compound; declarations
with and without a value; increments; if/else chains; every kind of loop; Python's
comprehensions and lambdas), with escapes and non-ASCII text in strings and, where the language
allows, in names; tabs (Go throughout); comments. Snippets are separated by a "-----8<-----"
line. `mutations` breaks each one a few fixed ways, so trees with syntax errors are covered too.
"""
from __future__ import annotations

import zlib
from pathlib import Path

_CORPUS = Path(__file__).with_name("corpus")
_SEPARATOR = "\n-----8<-----\n"
LANGUAGES = ("python", "java", "javascript", "go", "c", "cpp", "c_sharp", "php", "ruby", "rust")


def _read(lang: str) -> list[str]:
    with open(_CORPUS / f"{lang}.txt", encoding="utf-8", newline="") as file:
        text = file.read()
    return text.removesuffix("\n").split(_SEPARATOR)


SNIPPETS: dict[str, list[str]] = {lang: _read(lang) for lang in LANGUAGES}

_STRAY = "@$`(}#;\\'\""


def mutations(code: str) -> list[str]:
    """Return broken variants of `code`, the same every run: a middle line dropped, a middle
    line duplicated, the code cut off half-way, the middle closing bracket deleted, and a
    stray character inserted (where and which chosen by the code's checksum)."""
    lines = code.split("\n")
    mid = len(lines) // 2
    variants = [
        "\n".join(lines[:mid] + lines[mid + 1:]),
        "\n".join(lines[:mid + 1] + lines[mid:]),
        code[:len(code) // 2],
    ]
    closing = [i for i, char in enumerate(code) if char in ")]}"]
    if closing:
        at = closing[len(closing) // 2]
        variants.append(code[:at] + code[at + 1:])
    checksum = zlib.crc32(code.encode("utf-8"))
    at = checksum % (len(code) + 1)
    variants.append(code[:at] + _STRAY[checksum % len(_STRAY)] + code[at:])
    return [variant for variant in dict.fromkeys(variants) if variant != code]
