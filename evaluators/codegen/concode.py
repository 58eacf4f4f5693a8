"""Import CONCODE-style data ({"nl", "code"} per record) into the platform's codegen JSONL.

CodeXGLUE's text-to-code files (train.json, dev.json, test.json) hold one JSON object per line
despite their name; a JSON array of such objects is accepted too. Each record becomes
{"id", "prompt": nl + "\\n", "references": [code], "lang"}: the newline makes the model start the
code on a line of its own. A record's own "id" is kept; otherwise its line number (or, in an
array, its position from 1) is the id.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..core.datasets import DatasetError


def _records(text: str, source: str) -> list[tuple[int | None, str, object]]:
    """Return (line, default id, value) for every record of a JSONL file or a JSON array."""
    if text.lstrip().startswith("["):
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise DatasetError(f"invalid JSON: {error.msg} (column {error.colno})",
                               source=source, line=error.lineno) from None
        # An array's items have no line of their own worth naming; their position is shown.
        return [(None, str(position), value) for position, value in enumerate(values, start=1)]
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, str(number), json.loads(line)))
        except json.JSONDecodeError as error:
            raise DatasetError(f"invalid JSON: {error.msg} (column {error.colno})",
                               source=source, line=number) from None
    return records


def convert_concode(text: str, lang: str, source: str = "input") -> list[dict]:
    """Return the codegen rows for CONCODE-style `text`, or raise DatasetError naming the line."""
    from ..codemetrics import UnsupportedLanguage, normalize_language

    try:
        lang = normalize_language(lang)
    except UnsupportedLanguage as error:
        raise DatasetError(str(error), source=source) from None
    rows, first_line_of = [], {}
    array = text.lstrip().startswith("[")
    for line, default_id, value in _records(text, source):
        where = {"source": source, "line": line}
        label = f"item {default_id}: " if array else ""
        if not isinstance(value, dict):
            raise DatasetError(f"{label}each record must be a JSON object with 'nl' and 'code'", **where)
        for name in ("nl", "code"):
            if name not in value or value[name] is None:
                raise DatasetError(f"{label}missing required field '{name}'", field=name, **where)
            if not isinstance(value[name], str):
                raise DatasetError(f"{label}field '{name}' must be a string, got "
                                   f"{type(value[name]).__name__}", field=name, **where)
            if not value[name].strip():
                raise DatasetError(f"{label}field '{name}' must not be empty", field=name, **where)
        row_id = value.get("id", default_id)
        if isinstance(row_id, bool) or not isinstance(row_id, (str, int)):
            raise DatasetError(f"{label}field 'id' must be a string or an integer", field="id", **where)
        row_id = str(row_id)
        if row_id in first_line_of:
            raise DatasetError(f"{label}id '{row_id}' is already used by record {first_line_of[row_id]}",
                               field="id", **where)
        first_line_of[row_id] = default_id
        rows.append({"id": row_id, "prompt": value["nl"] + "\n", "references": [value["code"]],
                     "lang": lang})
    if not rows:
        raise DatasetError("the file has no records", source=source)
    return rows


def import_concode(in_path: str | Path, out_path: str | Path, lang: str) -> int:
    """Convert the CONCODE-style file `in_path` into codegen JSONL at `out_path`; return the row count.

    Nothing is written unless every record is valid: the output appears whole or not at all.
    """
    in_path, out_path = Path(in_path), Path(out_path)
    try:
        text = in_path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DatasetError(f"not valid UTF-8 (byte offset {error.start}); save the file as UTF-8",
                           source=in_path.name) from None
    rows = convert_concode(text, lang, source=in_path.name)
    staging = out_path.with_name(f".{out_path.name}.partial")
    with staging.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(staging, out_path)
    return len(rows)
