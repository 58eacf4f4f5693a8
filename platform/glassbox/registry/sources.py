"""Checks on where a model comes from: a hub id pinned to a commit, or a folder inside the model roots."""
from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

from .errors import RegistrationError
from .models import Model

HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")


def checked_source(source: str, revision: str) -> tuple[str, str, str]:
    """Return (source kind, source, revision) normalised, or raise RegistrationError saying what to fix.

    A local source comes back resolved, so a later change of a link cannot swap the model.
    """
    source, revision = (source or "").strip(), (revision or "").strip().lower()
    if source.startswith(("/", "~", ".")) or (os.sep in source and not HUB_ID.match(source)):
        kind, source = Model.SourceKind.LOCAL, str(_checked_local_dir(source))
        if revision:
            raise RegistrationError("a local model has no revision (its weights are hashed instead); "
                                    "leave the revision empty", field="revision")
    elif HUB_ID.match(source) and ".." not in source and "--" not in source:
        kind = Model.SourceKind.HUB
        if not COMMIT.match(revision):
            raise RegistrationError(
                "a hub model must be pinned to a commit: give the 40-character commit hash from the "
                f"model's 'Files and versions' page, not {revision or 'nothing'!r}", field="revision")
    else:
        raise RegistrationError("the source must be a hub id like 'owner/name' or an absolute path to a "
                                "local directory", field="source")
    return kind, source, revision


def checked_external_source(source: str, revision: str) -> tuple[str, str, str]:
    """Return (source kind, source, revision) for a model served elsewhere: free text, stripped.

    Nothing is read from it, so any description of where the model runs will do, but it must say
    something: the source and revision are the model's identity in every fingerprint.
    """
    source, revision = (source or "").strip(), (revision or "").strip()
    if not source:
        raise RegistrationError("say where the model is served, e.g. 'api.example.com: example-coder'",
                                field="source")
    if any(not character.isprintable() for character in source + revision):
        raise RegistrationError("the source and revision must be plain text on one line", field="source")
    return Model.SourceKind.EXTERNAL, source, revision


def _checked_local_dir(source: str) -> Path:
    """Return the resolved directory, refusing anything that leaves the configured model roots."""
    path = Path(source).expanduser()
    if not path.is_absolute():
        raise RegistrationError("a local model path must be absolute", field="source")
    if ".." in path.parts:
        raise RegistrationError("a local model path must not contain '..'", field="source")
    resolved = path.resolve()
    roots = [Path(root).resolve() for root in settings.GLASSBOX_MODEL_ROOTS]
    if not _inside(resolved, roots):
        via = f" (it is a link to {resolved})" if resolved != path else ""
        raise RegistrationError(
            f"{path} is outside the folders models may be loaded from{via}; move it under one of: "
            f"{', '.join(str(r) for r in roots)} (GLASSBOX_MODEL_ROOTS)", field="source")
    if not resolved.exists():
        raise RegistrationError(f"{path} does not exist", field="source")
    if not resolved.is_dir():
        raise RegistrationError(f"{path} is not a directory; give the folder that holds config.json",
                                field="source")
    # A file inside may be a link too (Hugging Face cache snapshots are); loading follows it.
    for entry in sorted(resolved.iterdir()):
        if entry.is_symlink() and not _inside(entry.resolve(), roots):
            raise RegistrationError(f"{entry.name} in {path} links to {entry.resolve()}, outside the folders "
                                    "models may be loaded from (GLASSBOX_MODEL_ROOTS)", field="source")
    return resolved


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def check_weights(source: str, has_safetensors: bool, has_pickle: bool, allow_pickle: bool) -> None:
    """Refuse a local folder with no weights, or with only pickle weights that were not allowed."""
    if has_safetensors:
        return
    if not has_pickle:
        raise RegistrationError(f"{source} holds no weights (*.safetensors); save the model there with "
                                "save_pretrained()", field="source")
    if not allow_pickle:
        raise RegistrationError(
            f"{source} holds only pickle weights (.bin/.pt), which can run arbitrary code when loaded; "
            "convert them to safetensors, or an administrator must allow pickle weights for this model",
            field="source")
