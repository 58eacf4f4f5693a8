"""Demo set-up for transparency audits: the built-in FMTI checklists with their official scores,
and a published audit of the demo base model (audits.py), so the index has something to compare."""
from __future__ import annotations


def seed(models: dict, stdout) -> None:
    """Load the built-in checklists (fmti-2023, fmti-2024, fmti-2025) if they are missing, then audit
    the demo base model."""
    from glassbox.transparency.services import load_builtin_checklists

    from .audits import publish_demo_audit

    for checklist in load_builtin_checklists():
        stdout.write(f"checklist {checklist}: {checklist.indicators.count()} indicators\n")
    if "base" in models:
        publish_demo_audit(models["base"], stdout)
