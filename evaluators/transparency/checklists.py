"""Checklists: versioned lists of indicators, read from CSV or JSON and written back.

The official FMTI files read as they are published: their `Domain, Subdomain, Indicator,
Definition, Notes` columns are the checklist columns; other columns are ignored.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
BUILTIN = ("fmti-2023", "fmti-2024", "fmti-2025")
REQUIRED = ("domain", "subdomain", "indicator")
OPTIONAL = ("definition", "notes", "keywords")


class ChecklistError(ValueError):
    """A checklist file is malformed; the message names the file, line and field."""


@dataclass(frozen=True)
class Indicator:
    domain: str
    subdomain: str
    indicator: str
    definition: str = ""
    notes: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        """Return the indicator as a JSON-able dict (keywords as a list)."""
        data = asdict(self)
        data["keywords"] = list(self.keywords)
        return data


@dataclass(frozen=True)
class Checklist:
    name: str
    indicators: tuple[Indicator, ...]
    title: str = ""
    source: str = ""

    def as_dict(self) -> dict:
        """Return the checklist in the JSON exchange format."""
        return {"name": self.name, "title": self.title, "source": self.source,
                "indicators": [indicator.as_dict() for indicator in self.indicators]}


def _clean(value: object) -> str:
    # The FMTI files carry stray spaces ("Accountability ", "Data creators ").
    return " ".join(str(value).split()) if value is not None else ""


def _keywords(value: object, where: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(k.strip() for k in value.split(";") if k.strip())
    if isinstance(value, list) and all(isinstance(k, str) for k in value):
        return tuple(k.strip() for k in value if k.strip())
    raise ChecklistError(f"{where}: field 'keywords' must be a list of strings or a ';'-separated string")


def _indicator(row: dict, where: str) -> Indicator:
    for name in REQUIRED:
        if not isinstance(row.get(name), str) or not _clean(row.get(name)):
            raise ChecklistError(f"{where}: field '{name}' is missing or empty")
    for name in ("definition", "notes"):
        if row.get(name) is not None and not isinstance(row.get(name), str):
            raise ChecklistError(f"{where}: field '{name}' must be a string")
    return Indicator(domain=_clean(row["domain"]), subdomain=_clean(row["subdomain"]),
                     indicator=_clean(row["indicator"]),
                     definition=(row.get("definition") or "").strip(),
                     notes=(row.get("notes") or "").strip(), keywords=_keywords(row.get("keywords"), where))


def _check_unique(indicators: list[Indicator], lines: list[int], source: str) -> None:
    seen: dict[str, int] = {}
    for indicator, line in zip(indicators, lines):
        if indicator.indicator in seen:
            raise ChecklistError(f"{source}: line {line}: indicator '{indicator.indicator}' "
                                 f"repeats line {seen[indicator.indicator]}")
        seen[indicator.indicator] = line


def parse_csv(text: str, source: str = "checklist.csv", name: str = "") -> Checklist:
    """Return the checklist in a CSV text (official FMTI layout or the export layout)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [_clean(cell).lower() for cell in next(reader)]
    except StopIteration:
        raise ChecklistError(f"{source}: the file is empty") from None
    except csv.Error as error:
        raise ChecklistError(f"{source}: line 1: {error}") from None
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ChecklistError(f"{source}: line 1: missing column(s) {', '.join(missing)}")
    indicators, lines = [], []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise ChecklistError(f"{source}: line {line}: {len(cells)} fields, the header has {len(header)}")
            row = dict(zip(header, cells + [""] * (len(header) - len(cells))))
            indicators.append(_indicator(row, f"{source}: line {line}"))
            lines.append(line)
    except csv.Error as error:
        raise ChecklistError(f"{source}: line {reader.line_num}: {error}") from None
    if not indicators:
        raise ChecklistError(f"{source}: no indicators")
    _check_unique(indicators, lines, source)
    return Checklist(name=name or Path(source).stem, indicators=tuple(indicators))


def parse_json(text: str, source: str = "checklist.json", name: str = "") -> Checklist:
    """Return the checklist in a JSON text: {"name", "title", "source", "indicators": [...]}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ChecklistError(f"{source}: line {error.lineno}: invalid JSON ({error.msg})") from None
    rows = data.get("indicators") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not rows:
        raise ChecklistError(f"{source}: expected a non-empty list 'indicators'")
    indicators = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ChecklistError(f"{source}: indicator {number}: expected an object")
        indicators.append(_indicator(row, f"{source}: indicator {number}"))
    _check_unique(indicators, list(range(1, len(indicators) + 1)), source)
    meta = data if isinstance(data, dict) else {}
    return Checklist(name=name or _clean(meta.get("name")) or Path(source).stem,
                     indicators=tuple(indicators), title=_clean(meta.get("title")),
                     source=_clean(meta.get("source")))


def parse(text: str, source: str, name: str = "") -> Checklist:
    """Return the checklist in `text`, read as JSON or CSV by the file name's suffix."""
    if source.lower().endswith(".json"):
        return parse_json(text, source, name)
    return parse_csv(text, source, name)


def read(path: str | Path, name: str = "") -> Checklist:
    """Return the checklist in a CSV or JSON file."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8-sig"), str(path), name)


def to_json(checklist: Checklist) -> str:
    """Return the checklist as JSON text."""
    return json.dumps(checklist.as_dict(), indent=1, ensure_ascii=False) + "\n"


def to_csv(checklist: Checklist) -> str:
    """Return the checklist as CSV text (keywords joined with ';')."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REQUIRED + OPTIONAL)
    for item in checklist.indicators:
        writer.writerow([item.domain, item.subdomain, item.indicator, item.definition, item.notes,
                         ";".join(item.keywords)])
    return out.getvalue()


def builtin(name: str) -> Checklist:
    """Return a built-in checklist (fmti-2023, fmti-2024, fmti-2025)."""
    if name not in BUILTIN:
        raise ChecklistError(f"unknown checklist '{name}': built in are {', '.join(BUILTIN)}")
    return read(DATA_DIR / f"{name}.json", name)


def load(name_or_path: str) -> Checklist:
    """Return a built-in checklist by name, or the checklist in a CSV/JSON file."""
    if name_or_path in BUILTIN:
        return builtin(name_or_path)
    if not Path(name_or_path).is_file():
        raise ChecklistError(f"unknown checklist '{name_or_path}': give a built-in name "
                             f"({', '.join(BUILTIN)}) or a CSV/JSON checklist file")
    return read(name_or_path)


@lru_cache(maxsize=1)
def reference_scores() -> dict:
    """Return the official FMTI per-indicator scores: {edition: {developer: [0/1 per row]}}.

    Read once per process; callers only read it."""
    return json.loads((DATA_DIR / "fmti-scores.json").read_text(encoding="utf-8"))
