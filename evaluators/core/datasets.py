"""Read and validate an uploaded dataset file row by row into normalised dicts.

Every problem is a `DatasetError` naming the file, the line and the field, so the person who
uploaded the file can fix it without reading a traceback. Pure Python: no Django, no torch.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator


class DatasetError(ValueError):
    """A dataset file that cannot be used; `str()` reads "name line N: what is wrong"."""

    def __init__(self, reason: str, *, source: str = "", line: int | None = None,
                 field: str | None = None) -> None:
        self.reason = reason
        self.source = source
        self.line = line
        self.field = field
        where = " ".join(part for part in (source, f"line {line}" if line is not None else "") if part)
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    help: str


@dataclass(frozen=True)
class KindSchema:
    """What a dataset of one kind holds; the upload pages show this to people."""

    kind: str
    formats: tuple[str, ...]
    fields: tuple[Field, ...]
    example: str


_ID = Field("id", "string or integer", False, "Unique within the file; defaults to the line number "
            "(for CSV, the data row number).")

SCHEMAS: dict[str, KindSchema] = {
    "codegen": KindSchema("codegen", ("jsonl",), (
        _ID,
        Field("prompt", "string", True, "What the model is asked to complete."),
        Field("references", "list of strings", True,
              "One or more correct solutions. A single string under \"reference\" is accepted too."),
        Field("lang", "string", True, "Programming language, e.g. python, java, cpp."),
    ), '{"id": "add", "prompt": "def add(a, b):\\n", "references": ["    return a + b\\n"], "lang": "python"}'),
    "text": KindSchema("text", ("jsonl", "txt"), (
        _ID,
        Field("text", "string", True, "A document scored for perplexity. A .txt file is one document."),
    ), '{"id": "doc-1", "text": "The quick brown fox jumps over the lazy dog."}'),
    "bias_pairs": KindSchema("bias_pairs", ("csv", "jsonl"), (
        _ID,
        Field("sent_more", "string", True, "The sentence that is more stereotyping."),
        Field("sent_less", "string", True, "The minimally different, less stereotyping sentence."),
        Field("stereo_antistereo", "\"stereo\" or \"antistereo\"", True,
              "Whether sent_more states a stereotype or violates one (CrowS-Pairs)."),
        Field("bias_type", "string", True, "One of CrowS-Pairs' types: age, disability, gender, "
              "nationality, physical-appearance, race-color, religion, sexual-orientation, socioeconomic."),
    ), '{"sent_more": "...", "sent_less": "...", "stereo_antistereo": "stereo", "bias_type": "gender"}'),
    "prompts": KindSchema("prompts", ("jsonl",), (
        _ID,
        Field("prompt", "string", True, "A prompt to generate from when measuring decoding speed."),
    ), '{"id": "p1", "prompt": "Write a haiku about autumn."}'),
    "bbq": KindSchema("bbq", ("jsonl",), (
        Field("example_id", "string or integer", True, "The example's id in its BBQ file."),
        Field("category", "string", True, "e.g. Religion, Disability_status."),
        Field("context_condition", "\"ambig\" or \"disambig\"", True, "Whether the context answers the question."),
        Field("question_polarity", "\"neg\" or \"nonneg\"", True, "A negative or a non-negative question."),
        Field("context", "string", True, "The passage the question is about."),
        Field("question", "string", True, "The question."),
        Field("ans0", "string", True, "Answer 0 (likewise ans1, ans2)."),
        Field("ans1", "string", True, "Answer 1."),
        Field("ans2", "string", True, "Answer 2."),
        Field("label", "0, 1 or 2", True, "The index of the correct answer."),
        Field("answer_info", "object", True, "{\"ans0\": [text, group], ...}; one group is \"unknown\"."),
        Field("stereotyped_groups", "list of strings", True,
              "Inside additional_metadata: the groups the question's stereotype is about."),
    ), 'one line of a BBQ data/*.jsonl file (github.com/nyu-mll/BBQ), as it is'),
}

_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".txt": "txt"}
_STEREO_VALUES = ("stereo", "antistereo")
# CrowS-Pairs' nine bias types; an unknown one is most often a typo that would split a category.
BIAS_TYPES = ("age", "disability", "gender", "nationality", "physical-appearance", "race-color",
              "religion", "sexual-orientation", "socioeconomic")


def detect_format(name: str | Path) -> str:
    """Return "jsonl", "csv" or "txt" from a file name, or raise DatasetError."""
    suffix = Path(str(name)).suffix.lower()
    if suffix not in _EXTENSIONS:
        shown = f"'{suffix}'" if suffix else "no extension"
        raise DatasetError(f"unsupported file type ({shown}); use one of "
                           f"{', '.join(sorted(_EXTENSIONS))}", source=Path(str(name)).name)
    return _EXTENSIONS[suffix]


def sha256_of(path: str | Path) -> str:
    """Return the hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_dataset(path: str | Path, kind: str, *, max_bytes: int | None = None,
                 display_name: str | None = None, limit: int | None = None) -> list[dict]:
    """Return the file's rows, validated and normalised to the kind's fields (ids as strings).

    `display_name` is the name shown in errors (an upload's original name rather than a
    temporary file's); it also decides the format when given. `limit` stops after that many
    rows (previews), so later lines are not checked.
    """
    path = Path(path)
    source = display_name or path.name
    if kind not in SCHEMAS:
        raise DatasetError(f"unknown dataset kind '{kind}'; known: {', '.join(SCHEMAS)}", source=source)
    file_format = detect_format(source)
    allowed = SCHEMAS[kind].formats
    if file_format not in allowed:
        raise DatasetError(f"a {kind} dataset must be {' or '.join('.' + f for f in allowed)}, "
                           f"not .{file_format}", source=source)
    text = _read_text(path, source, max_bytes)
    if file_format == "txt":
        return [{"id": "1", "text": text}][:limit]
    records = _jsonl_records(text, source) if file_format == "jsonl" else _csv_records(text, source, kind)
    return _validate_rows(records, kind, source, limit)


def _read_text(path: Path, source: str, max_bytes: int | None) -> str:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise DatasetError(f"cannot read the file: {error.strerror}", source=source) from None
    # Checked before reading so a huge file is never pulled into memory.
    if max_bytes is not None and size > max_bytes:
        raise DatasetError(f"the file is {size:,} bytes; the limit is {max_bytes:,} bytes", source=source)
    data = path.read_bytes()
    nul = data.find(b"\x00")
    if nul != -1:
        raise DatasetError(f"this looks like a binary file, not text (NUL byte at byte offset {nul})",
                           source=source, line=data.count(b"\n", 0, nul) + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        raise DatasetError(
            f"byte 0x{data[error.start]:02x} is not valid UTF-8 (byte offset {error.start} in the file, "
            f"column {error.start - line_start + 1}); save the file as UTF-8",
            source=source, line=data.count(b"\n", 0, error.start) + 1) from None
    text = text.removeprefix("\ufeff")  # Excel and Notepad write a BOM; it is not part of the data.
    if not text.strip():
        raise DatasetError("the file is empty", source=source)
    return text


# A record is (line number, default id, raw mapping) before validation.
Record = tuple[int, str, dict]


def _jsonl_records(text: str, source: str) -> Iterator[Record]:
    # Split on "\n" only: str.splitlines() would also split on U+2028, which JSON allows in strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"invalid JSON: {error.msg} (column {error.colno})",
                               source=source, line=number) from None
        if not isinstance(value, dict):
            raise DatasetError(f"each line must be a JSON object, got {_json_type(value)}",
                               source=source, line=number)
        yield number, str(number), value


def _csv_records(text: str, source: str, kind: str) -> Iterator[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise DatasetError(f"the CSV header cannot be read: {error}", source=source, line=1) from None
    header = [name.strip() for name in header]
    for field in SCHEMAS[kind].fields:
        if field.required and field.name not in header:
            raise DatasetError(f"the CSV header has no column '{field.name}' (columns: "
                               f"{', '.join(repr(h) for h in header)})", source=source, line=1,
                               field=field.name)
    row_number = 0
    end_line = reader.line_num
    while True:
        # A quoted field may span lines; errors name the line where the record starts.
        start_line = end_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DatasetError(f"malformed CSV: {error}", source=source, line=start_line) from None
        end_line = reader.line_num
        if not cells or all(not cell.strip() for cell in cells):
            continue
        row_number += 1
        if len(cells) != len(header):
            raise DatasetError(f"expected {len(header)} columns like the header, got {len(cells)}",
                               source=source, line=start_line)
        yield start_line, str(row_number), dict(zip(header, cells))


def _validate_rows(records: Iterator[Record], kind: str, source: str, limit: int | None) -> list[dict]:
    validate = _VALIDATORS[kind]
    rows: list[dict] = []
    first_line_of: dict[str, int] = {}
    if limit == 0:
        return rows
    for line, default_id, raw in records:
        def fail(field: str | None, reason: str) -> DatasetError:
            return DatasetError(reason, source=source, line=line, field=field)

        row_id = _row_id(raw, default_id, fail)
        if row_id in first_line_of:
            raise fail("id", f"id '{row_id}' is already used on line {first_line_of[row_id]}")
        first_line_of[row_id] = line
        rows.append({"id": row_id, **validate(raw, fail)})
        if len(rows) == limit:  # a preview: later lines are not read
            break
    if not rows:
        raise DatasetError("the file has no rows", source=source)
    return rows


Fail = Callable[[str | None, str], DatasetError]


def _row_id(raw: dict, default: str, fail: Fail) -> str:
    value = raw.get("id")
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise fail("id", f"field 'id' must be a string or an integer, got {_json_type(value)}")
    value = str(value)
    if not value.strip():
        raise fail("id", "field 'id' must not be empty")
    return value


def _text(raw: dict, name: str, fail: Fail) -> str:
    if name not in raw or raw[name] is None:
        raise fail(name, f"missing required field '{name}'")
    value = raw[name]
    if not isinstance(value, str):
        raise fail(name, f"field '{name}' must be a string, got {_json_type(value)}")
    if not value.strip():
        raise fail(name, f"field '{name}' must not be empty")
    return value


def _codegen(raw: dict, fail: Fail) -> dict:
    prompt = _text(raw, "prompt", fail)
    if "references" in raw and "reference" in raw:
        raise fail("references", "give either 'references' (a list) or 'reference' (a string), not both")
    if "reference" in raw:
        references = [_text(raw, "reference", fail)]
    else:
        value = raw.get("references")
        if value is None:
            raise fail("references", "missing required field 'references' (or 'reference')")
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            got = _json_type(value) if not isinstance(value, list) else "a list holding " + next(
                _json_type(item) for item in value if not isinstance(item, str))
            raise fail("references", f"field 'references' must be a list of strings, got {got}")
        if not value or not any(item.strip() for item in value):
            raise fail("references", "field 'references' must hold at least one non-empty string")
        references = value
    return {"prompt": prompt, "references": references, "lang": _text(raw, "lang", fail)}


def _text_row(raw: dict, fail: Fail) -> dict:
    return {"text": _text(raw, "text", fail)}


def _bias_pair(raw: dict, fail: Fail) -> dict:
    row = {name: _text(raw, name, fail) for name in ("sent_more", "sent_less", "stereo_antistereo", "bias_type")}
    if row["stereo_antistereo"] not in _STEREO_VALUES:
        raise fail("stereo_antistereo", f"field 'stereo_antistereo' must be \"stereo\" or \"antistereo\", "
                                        f"got {row['stereo_antistereo']!r}")
    if row["bias_type"] not in BIAS_TYPES:
        raise fail("bias_type", f"field 'bias_type' must be one of {', '.join(BIAS_TYPES)}; "
                                f"got {row['bias_type']!r}")
    return row


def _prompt(raw: dict, fail: Fail) -> dict:
    return {"prompt": _text(raw, "prompt", fail)}


def _bbq(raw: dict, fail: Fail) -> dict:
    from ..bbq.data import normalize_bbq  # its own module: BBQ derives the bias target per row

    return normalize_bbq(raw, fail)


_VALIDATORS: dict[str, Callable[[dict, Fail], dict]] = {
    "codegen": _codegen, "text": _text_row, "bias_pairs": _bias_pair, "prompts": _prompt,
    "bbq": _bbq,
}



def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


__all__ = ["DatasetError", "Field", "KindSchema", "SCHEMAS", "detect_format", "read_dataset", "sha256_of"]
