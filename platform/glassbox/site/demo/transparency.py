"""Demo set-up for transparency audits: the built-in FMTI checklists and official scores."""
from __future__ import annotations


def seed(models: dict, stdout) -> None:
    """Load the built-in checklists (fmti-2023, fmti-2024, fmti-2025) if they are missing."""
    from glassbox.transparency.services import load_builtin_checklists

    for checklist in load_builtin_checklists():
        stdout.write(f"checklist {checklist}: {checklist.indicators.count()} indicators\n")
