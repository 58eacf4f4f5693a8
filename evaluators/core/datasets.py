"""Read and validate an uploaded dataset file row by row into normalised dicts.

Every problem is a `DatasetError` naming the file, the line and the field, so the person who
uploaded the file can fix it without reading a traceback. Pure Python: no Django, no torch.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import zlib
from dataclasses import dataclass, field
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


# A validator's way to fail: fail(field, reason) returns the DatasetError to raise, with the
# file and line filled in.
Fail = Callable[[str | None, str], DatasetError]


@dataclass(frozen=True)
class DatasetKind:
    """A kind of dataset an evaluator reads: the row schema the upload pages show, and the
    validator that turns one raw row into its normalised fields (the id is handled here).

    Each evaluator package declares and registers its kinds (`register_kind`); the platform stores
    a dataset's kind as plain text and lists the registered ones, so a new kind needs no migration.
    """

    kind: str
    label: str
    formats: tuple[str, ...]
    fields: tuple[Field, ...]
    example: str
    validate: Callable[[dict, Fail], dict] = field(compare=False, repr=False)
    # The field that names a row (HumanEval's rows are named by "task_id"); rows without it are
    # named by their line number.
    id_field: str = "id"


ID_FIELD = Field("id", "string or integer", False, "Unique within the file; defaults to the line number "
                 "(for CSV, the data row number; for a JSON array, the element number).")

# The registered kinds by name, in registration order.
SCHEMAS: dict[str, DatasetKind] = {}


def register_kind(kind: DatasetKind) -> DatasetKind:
    """Register a dataset kind; registering another kind under a taken name is an error."""
    known = SCHEMAS.get(kind.kind)
    if known is not None and known != kind:
        raise ValueError(f"a dataset kind named '{kind.kind}' is already registered")
    SCHEMAS[kind.kind] = kind
    return kind


def kind_choices() -> list[tuple[str, str]]:
    """(name, label) of every registered kind, for forms and model fields."""
    return [(kind.kind, kind.label) for kind in SCHEMAS.values()]


_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".txt": "txt"}


# A gzip-compressed file (HumanEval ships as .jsonl.gz) is read as the file inside it; what it may
# expand to is bounded so a small upload cannot fill a worker's memory.
GZIP_MAGIC = b"\x1f\x8b"
EXPANSION_LIMIT = 20
UNBOUNDED_EXPANSION_BYTES = 1 << 30


def detect_format(name: str | Path) -> str:
    """Return "jsonl", "json", "csv" or "txt" from a file name (".gz" after it allowed), or raise DatasetError."""
    path = Path(str(name))
    if path.suffix.lower() == ".gz":
        path = path.with_suffix("")
    suffix = path.suffix.lower()
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
    text = read_text(path, source, max_bytes)
    if file_format == "txt":
        return [{"id": "1", "text": text}][:limit]
    if file_format == "json":
        records = json_records(text, source)
    else:
        records = jsonl_records(text, source) if file_format == "jsonl" else _csv_records(text, source, kind)
    return _validate_rows(records, kind, source, limit)


def read_text(path: Path, source: str, max_bytes: int | None = None) -> str:
    """Return a file's text (gunzipped when it is gzip), or raise DatasetError: too large, binary,
    not UTF-8, or empty. `source` is the name errors show."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise DatasetError(f"cannot read the file: {error.strerror}", source=source) from None
    # Checked before reading so a huge file is never pulled into memory.
    if max_bytes is not None and size > max_bytes:
        raise DatasetError(f"the file is {size:,} bytes; the limit is {max_bytes:,} bytes", source=source)
    data = path.read_bytes()
    if data[:2] == GZIP_MAGIC:
        data = _gunzip(data, source, UNBOUNDED_EXPANSION_BYTES if max_bytes is None else max_bytes * EXPANSION_LIMIT)
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


def _gunzip(data: bytes, source: str, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            inner = handle.read(limit + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError(f"the gzip file cannot be decompressed: {error}", source=source) from None
    if len(inner) > limit:
        raise DatasetError(f"the file expands to more than {limit:,} bytes once decompressed", source=source)
    return inner


# A record is (line number, default id, raw mapping) before validation.
Record = tuple[int, str, dict]


def jsonl_records(text: str, source: str) -> Iterator[Record]:
    """Yield (line number, line number as the default id, object) for each non-blank JSONL line."""
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
            raise DatasetError(f"each line must be a JSON object, got {json_type(value)}",
                               source=source, line=number)
        yield number, str(number), value


# JSON's insignificant whitespace, skipped between the elements of an array.
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def json_records(text: str, source: str) -> Iterator[Record]:
    """Yield (line where the element starts, element number as the default id, object) for each
    element of a file that is one JSON array of objects (TruthfulQA's mc_task.json).

    The array is decoded element by element (raw_decode at each offset), so an error names the
    line of the element it is in, not just "the file is not valid JSON".
    """
    decoder = json.JSONDecoder()
    lines = _LineCounter(text)
    at = _JSON_SPACE.match(text, 0).end()
    if not text.startswith("[", at):
        raise DatasetError("a .json dataset must be one JSON array of objects ([{...}, {...}])",
                           source=source, line=lines.at(at))
    at = _JSON_SPACE.match(text, at + 1).end()
    number = 0
    while number or not text.startswith("]", at):  # an empty array yields nothing
        try:
            value, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as error:
            raise DatasetError(f"invalid JSON: {error.msg} (column {error.colno})",
                               source=source, line=error.lineno) from None
        number += 1
        if not isinstance(value, dict):
            raise DatasetError(f"element {number} of the array must be a JSON object, got {json_type(value)}",
                               source=source, line=lines.at(at))
        yield lines.at(at), str(number), value
        at = _JSON_SPACE.match(text, end).end()
        if not text.startswith(",", at):
            break
        # Another element must follow: JSON has no trailing comma.
        at = _JSON_SPACE.match(text, at + 1).end()
    if not text.startswith("]", at):
        raise DatasetError(f"expected ',' or ']' after element {number} of the array",
                           source=source, line=lines.at(at))
    after = _JSON_SPACE.match(text, at + 1).end()
    if after != len(text):
        raise DatasetError("unexpected text after the array's closing ']'", source=source, line=lines.at(after))


class _LineCounter:
    """Line numbers of increasing offsets into one text, counted incrementally (linear overall)."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.offset:  # not expected, but stay correct
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _csv_records(text: str, source: str, kind: str) -> Iterator[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise DatasetError(f"the CSV header cannot be read: {error}", source=source, line=1) from None
    header = [name.strip() for name in header]
    for column in SCHEMAS[kind].fields:
        if column.required and column.name not in header:
            raise DatasetError(f"the CSV header has no column '{column.name}' (columns: "
                               f"{', '.join(repr(h) for h in header)})", source=source, line=1,
                               field=column.name)
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
    validate, id_field = SCHEMAS[kind].validate, SCHEMAS[kind].id_field
    rows: list[dict] = []
    first_line_of: dict[str, int] = {}
    if limit == 0:
        return rows
    for line, default_id, raw in records:
        def fail(field: str | None, reason: str) -> DatasetError:
            return DatasetError(reason, source=source, line=line, field=field)

        row_id = _row_id(raw, default_id, fail, id_field)
        if row_id in first_line_of:
            raise fail(id_field, f"{id_field} '{row_id}' is already used on line {first_line_of[row_id]}")
        first_line_of[row_id] = line
        rows.append({"id": row_id, **validate(raw, fail)})
        if len(rows) == limit:  # a preview: later lines are not read
            break
    if not rows:
        raise DatasetError("the file has no rows", source=source)
    return rows


def _row_id(raw: dict, default: str, fail: Fail, name: str = "id") -> str:
    value = raw.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise fail(name, f"field '{name}' must be a string or an integer, got {json_type(value)}")
    value = str(value)
    if not value.strip():
        raise fail(name, f"field '{name}' must not be empty")
    return value


def text_field(raw: dict, name: str, fail: Fail) -> str:
    """Return the required, non-empty string field `name` of a raw row, or fail naming it."""
    if name not in raw or raw[name] is None:
        raise fail(name, f"missing required field '{name}'")
    value = raw[name]
    if not isinstance(value, str):
        raise fail(name, f"field '{name}' must be a string, got {json_type(value)}")
    if not value.strip():
        raise fail(name, f"field '{name}' must not be empty")
    return value


def json_type(value: Any) -> str:
    """Name a JSON value's type the way error messages say it ("a string", "null")."""
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


__all__ = ["DatasetError", "DatasetKind", "Fail", "Field", "ID_FIELD", "SCHEMAS", "detect_format", "json_type",
           "json_records", "jsonl_records", "kind_choices", "read_dataset", "read_text", "register_kind", "sha256_of",
           "text_field"]
