"""Files a model's own metadata names, checked to stay inside the model's folder before anything opens them.

A saved model is data from whoever saved it. Its `model.safetensors.index.json` maps tensors to
file names, and `config.json` / `tokenizer_config.json` may list versioned files
(`configuration_files`, `fast_tokenizer_files`); transformers joins those names to the folder and
opens them. A name like "../../../etc/passwd", or a link inside the folder pointing elsewhere,
would make registration or loading read a file that is not part of the model. Every such name
must resolve (links followed) inside the folder, or inside the `blobs/` of the Hugging Face cache
repository when the folder is one of its snapshots, whose files are links into `blobs/`.

No torch, no transformers: registration calls this in the web process.
"""
from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

INDEX = "model.safetensors.index.json"
# Chat templates that transformers finds by listing this folder rather than by name.
_TEMPLATE_DIR = "additional_chat_templates"


class ModelFileError(ValueError):
    """A file named by the model's metadata is outside its folder, or missing; the message says which."""


def allowed_roots(folder: Path) -> list[Path]:
    """Return the resolved folders a model's files may live in: its own, plus the cache's blobs for a snapshot."""
    roots = [folder.resolve()]
    snapshots = folder.parent
    if snapshots.name == "snapshots" and snapshots.parent.name.startswith("models--"):
        roots.append((snapshots.parent / "blobs").resolve())
    return roots


def checked_file(folder: Path, name: object, where: str) -> Path:
    """Return folder/name after checking that the name stays inside the folder; nothing is opened."""
    if not isinstance(name, str) or not name.strip():
        raise ModelFileError(f"{where} names {name!r}, which is not a file name")
    relative = PurePosixPath(name.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts:
        raise ModelFileError(f"{where} names {name!r}, which is outside the model's folder; "
                             "the model is refused without reading it")
    path = folder / relative
    resolved = path.resolve()
    if not any(resolved == root or resolved.is_relative_to(root) for root in allowed_roots(folder)):
        raise ModelFileError(f"{where} names {name!r}, which links outside the model's folder; "
                             "the model is refused without reading it")
    return path


def shard_files(folder: Path, *, require_all: bool) -> list[Path] | None:
    """Return the shards the index names (sorted, checked), or None when the folder has no index.

    With `require_all`, a named shard that is missing is refused; without it (a hub snapshot
    holding only the small files) an incomplete set comes back as [].
    """
    index = folder / INDEX
    if not index.is_file():
        return None
    weight_map = _json_object(index).get("weight_map")
    if not isinstance(weight_map, dict) or not weight_map:
        raise ModelFileError(f"{INDEX} has no 'weight_map' object mapping tensor names to files")
    if not all(isinstance(name, str) for name in weight_map.values()):
        raise ModelFileError(f"{INDEX}: every 'weight_map' value must be a file name (a string)")
    names = sorted(set(weight_map.values()))
    shards = [checked_file(folder, name, INDEX) for name in names]
    missing = [name for name, shard in zip(names, shards) if not shard.is_file()]
    if missing and require_all:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise ModelFileError(f"{INDEX} names {missing[0]!r}{more}, which is missing from the model's folder; "
                             "copy every shard the index lists")
    return [] if missing else shards


def check_model_files(folder: Path, *, require_shards: bool = True) -> None:
    """Refuse a folder whose metadata names a file outside it (or, with require_shards, a missing shard)."""
    shard_files(folder, require_all=require_shards)
    for config_name, key in (("config.json", "configuration_files"),
                             ("tokenizer_config.json", "fast_tokenizer_files")):
        listed = _json_object(folder / config_name).get(key) if (folder / config_name).is_file() else None
        for name in listed if isinstance(listed, list) else ([] if listed is None else [listed]):
            checked_file(folder, name, f"{config_name} ({key})")
    templates = folder / _TEMPLATE_DIR
    if templates.is_dir():
        for entry in sorted(templates.iterdir()):
            checked_file(folder, f"{_TEMPLATE_DIR}/{entry.name}", f"{_TEMPLATE_DIR}/")


def _json_object(file: Path) -> dict:
    # The message never quotes the file's bytes: a file that fails to parse may not be the model's.
    try:
        value = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        raise ModelFileError(f"{file.name} cannot be read as UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ModelFileError(f"{file.name} is not valid JSON (line {error.lineno}, column {error.colno})") from None
    if not isinstance(value, dict):
        raise ModelFileError(f"{file.name} must hold a JSON object")
    return value
