"""An audit's history entries in words ("score 0 → 1, evidence: 'The report gives the GPU hours.'"),
from the values each change recorded; entries written before a value was recorded read without it."""
from __future__ import annotations

QUOTE_CHARS = 160


def _quoted(text: str | None) -> str:
    text = " ".join((text or "").split())
    return f"'{text[:QUOTE_CHARS]}…'" if len(text) > QUOTE_CHARS else f"'{text}'"


def _score(detail: dict, old_key: str = "previous") -> str:
    if detail.get(old_key) is not None:
        return f"score {detail[old_key]} → {detail.get('score')}"
    return f"score {detail.get('score')}"


def _evidence(detail: dict) -> str:
    parts = []
    if detail.get("quote"):
        parts.append(f"evidence: {_quoted(detail['quote'])}" + (f" in '{detail['document']}'" if detail.get("document") else ""))
    elif detail.get("document"):
        parts.append(f"evidence in '{detail['document']}'")
    if detail.get("justification"):
        parts.append(f"because {_quoted(detail['justification'])}")
    return ", ".join(parts)


def describe(action: str, detail: dict) -> str:
    """Return one change's values as a sentence for the audit page."""
    detail = detail if isinstance(detail, dict) else {}
    if action in ("scored", "rescored"):
        return ", ".join(part for part in (_score(detail), _evidence(detail)) if part)
    if action == "reconciled":
        return ", ".join(part for part in (f"final {_score(detail)}", _evidence(detail)) if part)
    if action == "created":
        return f"against {detail.get('checklist', '?')}, about {detail.get('subject', '?')}"
    if action == "document added":
        chars = detail.get("chars")
        size = f", {chars:,} characters" if isinstance(chars, int) else ""
        return f"'{detail.get('document', '?')}' ({detail.get('format', '?')}{size})"
    if action == "suggested":
        return f"suggested scores total {detail.get('total')} of {detail.get('max')}"
    if action == "disputed":
        return _quoted(detail.get("text"))
    if action == "dispute answered":
        answer = f"response: {_quoted(detail.get('response'))}"
        return answer + (f", {_score(detail, 'old_score')}" if "score" in detail else "")
    # Anything else: its values as "name: value", never a Python dict.
    return ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in detail.items() if value not in (None, ""))
