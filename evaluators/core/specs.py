"""Evaluation specs: a frozen dataclass per evaluator, read from JSON parameters (or the CLI's
text) with every field's type and bounds checked, written back as canonical JSON, and described
as a JSON schema for the API and the pages."""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any


class SpecError(ValueError):
    """A parameter of an evaluation spec is missing, unknown or of the wrong type."""


_JSON_TYPES = {int: "integer", float: "number", str: "string", bool: "boolean"}
_JSON_SAFE_INT = 2**53 - 1
# Field metadata bounds and the JSON-schema keywords that say the same. On a list field they
# bound each item, and "max_items" bounds how many there are.
_SCHEMA_BOUNDS = {"min": "minimum", "max": "maximum", "above": "exclusiveMinimum", "max_length": "maxLength",
                  "choices": "enum"}


@dataclass(frozen=True)
class FieldType:
    """A spec field's JSON type: its base type, whether null is allowed, and whether it is a list."""

    base: type
    nullable: bool
    is_list: bool


def _field_types(spec_class: type) -> dict[str, FieldType]:
    """Map each field to its FieldType, from its annotation string (int, float, str, bool, an
    optional one of those with "| None", or list[int] / list[str])."""
    types: dict[str, FieldType] = {}
    by_name = {t.__name__: t for t in _JSON_TYPES}
    for f in dataclasses.fields(spec_class):
        annotation = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
        parts = [p.strip() for p in str(annotation).split("|")]
        nullable = "None" in parts
        names = [p for p in parts if p != "None"]
        is_list = len(names) == 1 and names[0].startswith("list[") and names[0].endswith("]")
        if is_list:
            names = [names[0][len("list["):-1].strip()]
        if len(names) != 1 or names[0] not in by_name or (is_list and names[0] not in ("int", "str")):
            raise TypeError(f"{spec_class.__name__}.{f.name}: spec fields must be int, float, str, bool, "
                            "list[int] or list[str]")
        types[f.name] = FieldType(by_name[names[0]], nullable, is_list)
    return types


def make_spec(spec_class: type, params: dict) -> Any:
    """Build a frozen spec from JSON parameters, checking names and types strictly."""
    if not isinstance(params, dict):
        raise SpecError("parameters must be a JSON object")
    types = _field_types(spec_class)
    metadata = {f.name: f.metadata for f in dataclasses.fields(spec_class)}
    unknown = sorted(set(params) - set(types))
    if unknown:
        raise SpecError(f"unknown parameter '{unknown[0]}'; accepted: {', '.join(sorted(types))}")
    values = {}
    for name, value in params.items():
        kind = types[name]
        if value is None and kind.nullable:
            values[name] = None
        elif kind.is_list:
            values[name] = _checked_list(name, value, kind.base, metadata[name])
        else:
            values[name] = _checked_value(name, value, kind.base, kind.nullable, metadata[name])
    spec = spec_class(**values)
    validate = getattr(spec, "validate", None)
    if validate is not None:
        try:
            validate()
        except ValueError as error:
            raise SpecError(str(error)) from None
    return spec


def _checked_value(name: str, value: Any, base: type, nullable: bool, metadata: Any) -> Any:
    # bool is an int in Python; a JSON true must not pass as 1.
    ok = isinstance(value, base) and not (base is not bool and isinstance(value, bool))
    if base is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if not ok:
        raise SpecError(f"parameter '{name}' must be {_JSON_TYPES[base]}"
                        f"{' or null' if nullable else ''}, got {type(value).__name__}")
    if base is int and abs(value) > _JSON_SAFE_INT:
        # Beyond 2**53 JSON readers (browsers, many clients) silently round the number.
        raise SpecError(f"parameter '{name}' is out of range: at most {_JSON_SAFE_INT:,} in absolute value")
    _check_bounds(name, value, metadata)
    return value


def _checked_list(name: str, value: Any, base: type, metadata: Any) -> tuple:
    """Return a list parameter as a tuple of checked items.

    A comma-separated string ("greedy,sample", "1,4") is read as the list it spells: that is what
    the shell's options take, and what specs stored before lists existed hold."""
    if isinstance(value, str):
        # Spaces around commas go; newlines stay (stop sequences such as "\ndef" begin with one).
        parts = [part.strip(" ") for part in value.split(",") if part.strip(" ")]
        if base is int:
            try:
                parts = [int(part) for part in parts]
            except ValueError:
                raise SpecError(f"parameter '{name}' must be a list of integers "
                                f"(or a comma-separated string of them), got {value!r}") from None
        value = parts
    if not isinstance(value, (list, tuple)):
        raise SpecError(f"parameter '{name}' must be a list of {_JSON_TYPES[base]}s, got {type(value).__name__}")
    if "max_items" in metadata and len(value) > metadata["max_items"]:
        raise SpecError(f"parameter '{name}' may hold at most {metadata['max_items']} items, got {len(value)}")
    return tuple(_checked_value(f"{name}[{index}]", item, base, False, metadata)
                 for index, item in enumerate(value))


def _check_bounds(name: str, value: Any, metadata: Any) -> None:
    """Raise SpecError unless `value` lies within the bounds its field's metadata declares.

    Bounds are inclusive ("min", "max"), except "above" (strictly greater); "max_length" caps a
    string's length and "choices" lists the strings a field takes. Each spec says next to its fields why their limits are where they are.
    """
    if isinstance(value, str):
        if "max_length" in metadata and len(value) > metadata["max_length"]:
            raise SpecError(f"parameter '{name}' must be at most {metadata['max_length']:,} characters long, "
                            f"got {len(value):,}")
        if "choices" in metadata and value not in metadata["choices"]:
            raise SpecError(f"parameter '{name}' must be one of {', '.join(metadata['choices'])}, got {value!r}")
        return
    if isinstance(value, bool):
        return
    if isinstance(value, float) and not math.isfinite(value):
        # Worded as the platform's check of what its JSON columns can store, which said it first.
        raise SpecError(f"parameter '{name}' must be a finite number or text without NUL characters, "
                        f"got {value!r}")
    if "min" in metadata and value < metadata["min"]:
        raise SpecError(f"parameter '{name}' must be at least {metadata['min']}, got {value}")
    if "above" in metadata and not value > metadata["above"]:
        raise SpecError(f"parameter '{name}' must be above {metadata['above']}, got {value}")
    if "max" in metadata and value > metadata["max"]:
        raise SpecError(f"parameter '{name}' must be at most {metadata['max']}, got {value}")


def checked_spec(spec_class: type, spec: Any) -> Any:
    """Return `spec` (None for the defaults, a JSON object, or a spec) as a checked spec_class.

    A spec object is checked again as its JSON form, so one built in code obeys the same rules."""
    if spec is None:
        return spec_class()
    return make_spec(spec_class, spec if isinstance(spec, dict) else spec_to_dict(spec))


def spec_to_dict(spec: Any) -> dict:
    """Every field of the spec, defaults included, so equal specs serialise equally (list fields,
    held as tuples so the spec stays immutable, as JSON lists)."""
    return {name: list(value) if isinstance(value, tuple) else value
            for name, value in dataclasses.asdict(spec).items()}


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parameter_schema(spec_class: type) -> dict:
    """A JSON schema of the spec's fields, with their defaults and documented meaning."""
    properties = {}
    types = _field_types(spec_class)
    for f in dataclasses.fields(spec_class):
        kind = types[f.name]
        json_type = _JSON_TYPES[kind.base]
        bounds = {schema_key: list(f.metadata[key]) if key == "choices" else f.metadata[key]
                  for key, schema_key in _SCHEMA_BOUNDS.items() if key in f.metadata}
        if kind.is_list:
            prop: dict[str, Any] = {"type": ["array", "null"] if kind.nullable else "array",
                                    "items": {"type": json_type, **bounds}}
            if "max_items" in f.metadata:
                prop["maxItems"] = f.metadata["max_items"]
        else:
            prop = {"type": [json_type, "null"] if kind.nullable else json_type, **bounds}
        if f.default is not dataclasses.MISSING:
            prop["default"] = list(f.default) if isinstance(f.default, tuple) else f.default
        if f.metadata.get("help"):
            prop["description"] = f.metadata["help"]
        properties[f.name] = prop
    return {"type": "object", "properties": properties, "additionalProperties": False}
