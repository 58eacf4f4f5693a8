"""How a model's source is shown: a local directory relative to the model roots, except to administrators.

A local model's source is a path on the server (under GLASSBOX_MODEL_ROOTS). Shown whole, it tells
every reader of the site, the API and the model cards how the server's disks are laid out; only
administrators, who set the roots, need it. Everyone else reads "<models>/demo-base".
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings

MODELS = "<models>"


def shown_source(model, *, full_paths: bool = False) -> str:
    """Return the model's source as a reader may see it: hub ids whole, local paths under the roots."""
    if model.source_kind != "local" or full_paths:
        return model.source
    return relative_to_roots(model.source)


def relative_to_roots(source: str) -> str:
    """Return "<models>/path/under/its/root"; a path no root holds (the roots changed) keeps its last part."""
    path = Path(source)
    roots = sorted((Path(root).resolve() for root in settings.GLASSBOX_MODEL_ROOTS),
                   key=lambda root: len(root.parts), reverse=True)
    for root in roots:  # the innermost root holding the path, when roots nest
        if path.is_relative_to(root):
            under = path.relative_to(root).as_posix()
            return MODELS if under == "." else f"{MODELS}/{under}"
    return f"{MODELS}/…/{path.name}"
