"""Read and validate a BBQ JSONL file (Parrish et al. 2022) into normalised examples.

Each line is one example as in the BBQ repository's data/*.jsonl: example_id, category,
context_condition (ambig|disambig), question_polarity (neg|nonneg), context, question,
ans0..ans2, label (0-2), answer_info {ansK: [text, group]} and additional_metadata
{stereotyped_groups: [...]}. It registers the dataset kind "bbq" (at the end of this module), so
errors are `DatasetError`s naming the file, line and field, and ids default to line numbers.

Which answer is the "unknown" one and which names the bias target are derived from the row
itself: the unknown answer is the one whose answer_info group is "unknown"; the target is the
other answer whose group matches one of additional_metadata.stereotyped_groups
(case-insensitive; a group like "F-Black" also matches on "Black"). An example whose target
cannot be found still counts for accuracy but not for the bias scores (`target` is None).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..core.datasets import DatasetError, DatasetKind, Field, read_dataset, register_kind

CONDITIONS = ("ambig", "disambig")
POLARITIES = ("neg", "nonneg")


def read_bbq(path: str | Path) -> list[dict]:
    """Return the file's examples, validated and normalised (see `normalize_bbq`), in file order."""
    return read_dataset(path, "bbq")


def normalize_bbq(raw: dict, fail: Callable[[str | None, str], DatasetError]) -> dict:
    """Return one BBQ example with its fields checked, plus `unknown` and `target` (answer
    indices; target None where no single answer names a stereotyped group)."""
    def text(name: str) -> str:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise fail(name, f"field '{name}' must be a non-empty string")
        return value

    def choice(name: str, allowed: tuple[str, ...]) -> str:
        value = raw.get(name)
        if value not in allowed:
            raise fail(name, f"field '{name}' must be {' or '.join(allowed)}, got {value!r}")
        return value

    example_id = raw.get("example_id")
    if isinstance(example_id, bool) or not isinstance(example_id, (int, str)):
        raise fail("example_id", "field 'example_id' must be an integer or a string")
    label = raw.get("label")
    if isinstance(label, bool) or label not in (0, 1, 2):
        raise fail("label", f"field 'label' must be 0, 1 or 2, got {label!r}")
    answers = {f"ans{k}": text(f"ans{k}") for k in range(3)}
    info = raw.get("answer_info")
    groups = _answer_groups(info, fail)
    unknown = [k for k, group in enumerate(groups) if "unknown" in group]
    if len(unknown) != 1:
        raise fail("answer_info", "answer_info must mark exactly one answer as \"unknown\"")
    metadata = raw.get("additional_metadata")
    stereotyped = metadata.get("stereotyped_groups") if isinstance(metadata, dict) else None
    if not isinstance(stereotyped, list) or not all(isinstance(g, str) for g in stereotyped):
        raise fail("additional_metadata", "additional_metadata.stereotyped_groups must be a list of strings")
    return {
        "example_id": example_id,
        "category": text("category"),
        "context_condition": choice("context_condition", CONDITIONS),
        "question_polarity": choice("question_polarity", POLARITIES),
        "context": text("context"),
        "question": text("question"),
        **answers,
        "label": label,
        "answer_info": info,
        "stereotyped_groups": stereotyped,
        "unknown": unknown[0],
        "target": _target(groups, unknown[0], stereotyped),
    }


def _answer_groups(info: object, fail) -> list[set[str]]:
    if not isinstance(info, dict):
        raise fail("answer_info", "field 'answer_info' must be an object with ans0, ans1, ans2")
    groups = []
    for k in range(3):
        entry = info.get(f"ans{k}")
        if not isinstance(entry, list) or len(entry) != 2 or not all(isinstance(x, str) for x in entry):
            raise fail("answer_info", f"answer_info.ans{k} must be [answer text, group]")
        group = entry[1].strip().lower()
        # Intersectional labels ("F-Black", "lowSES-M-White") also match on each part.
        groups.append({group, *group.split("-")})
    return groups


def _target(groups: list[set[str]], unknown: int, stereotyped: list[str]) -> int | None:
    wanted = {g.strip().lower() for g in stereotyped}
    hits = [k for k, group in enumerate(groups) if k != unknown and group & wanted]
    return hits[0] if len(hits) == 1 else None


BBQ = register_kind(DatasetKind(
    "bbq", "BBQ multiple choice (bias)", ("jsonl",), (
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
    ), 'one line of a BBQ data/*.jsonl file (github.com/nyu-mll/BBQ), as it is', normalize_bbq))
