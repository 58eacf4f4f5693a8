"""The dataset kind code generation reads: a prompt, one or more reference solutions, a language."""
from __future__ import annotations

from ..core.datasets import ID_FIELD, DatasetKind, Fail, Field, json_type, register_kind, text_field


def _codegen_row(raw: dict, fail: Fail) -> dict:
    prompt = text_field(raw, "prompt", fail)
    if "references" in raw and "reference" in raw:
        raise fail("references", "give either 'references' (a list) or 'reference' (a string), not both")
    if "reference" in raw:
        references = [text_field(raw, "reference", fail)]
    else:
        value = raw.get("references")
        if value is None:
            raise fail("references", "missing required field 'references' (or 'reference')")
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            got = json_type(value) if not isinstance(value, list) else "a list holding " + next(
                json_type(item) for item in value if not isinstance(item, str))
            raise fail("references", f"field 'references' must be a list of strings, got {got}")
        if not value or not any(item.strip() for item in value):
            raise fail("references", "field 'references' must hold at least one non-empty string")
        references = value
    return {"prompt": prompt, "references": references, "lang": text_field(raw, "lang", fail)}


CODEGEN = register_kind(DatasetKind(
    "codegen", "Code generation", ("jsonl",), (
        ID_FIELD,
        Field("prompt", "string", True, "What the model is asked to complete."),
        Field("references", "list of strings", True,
              "One or more correct solutions. A single string under \"reference\" is accepted too."),
        Field("lang", "string", True, "Programming language, e.g. python, java, cpp."),
    ), '{"id": "add", "prompt": "def add(a, b):\\n", "references": ["    return a + b\\n"], "lang": "python"}',
    _codegen_row))
