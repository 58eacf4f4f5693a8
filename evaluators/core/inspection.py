"""Describe a saved model from its config, tokenizer and safetensors headers, never its weights.

Registration runs in the web process, so this module imports neither torch nor transformers
(AutoTokenizer pulls torch in); the tokenizer is read with the `tokenizers` library.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import struct
from collections import Counter
from dataclasses import dataclass, field
from math import prod
from pathlib import Path

from .model_files import ModelFileError, check_model_files, shard_files
from .model_kind import SCOPE, non_causal_kind

logger = logging.getLogger(__name__)

_CONTEXT_KEYS = ("max_position_embeddings", "n_positions", "n_ctx", "seq_length", "max_sequence_length")
_SAFETENSORS_DTYPES = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16",
                       "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2", "I64": "int64", "I32": "int32",
                       "I16": "int16", "I8": "int8", "U8": "uint8", "BOOL": "bool"}
_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
# Checkpoint folders hold pickles that are not weights; they are never loaded as the model.
_NOT_WEIGHTS = {"training_args.bin", "optimizer.pt", "scheduler.pt", "trainer_state.pt"}
_MAX_HEADER_BYTES = 100 * 1024 * 1024


class InspectionError(ValueError):
    """The model cannot be registered as it is; the message says what to fix."""


@dataclass(frozen=True)
class ModelInfo:
    architecture: str
    parameter_count: int | None
    context_length: int | None
    vocab_size: int | None
    dtype: str
    weights_sha256: str
    """For a local directory, see `weights_hash`; empty for the hub, where the revision pins the bytes."""
    has_safetensors: bool
    has_pickle_weights: bool
    tokenizer_vocab_size: int | None = None
    warnings: tuple[str, ...] = field(default=())


def inspect_model(source: str, revision: str | None = None, *, trust_remote_code: bool = False,
                  cache_dir: str | Path | None = None) -> ModelInfo:
    """Return what the config, tokenizer and safetensors headers of `source` say about the model.

    `source` is a local directory (absolute path) or a hub id; hub files are taken from the
    local Hugging Face cache (or downloaded when the hub is reachable and not switched off).
    """
    path = Path(source).expanduser()
    # Like from_pretrained: an existing folder wins over a hub id of the same spelling.
    if path.is_absolute() or source.startswith((".", "~")) or path.is_dir():
        if not path.exists():
            raise InspectionError(f"{source} does not exist")
        if not path.is_dir():
            raise InspectionError(f"{source} is not a directory; give the folder that holds config.json")
        return _inspect_directory(path, label=str(source), trust_remote_code=trust_remote_code, hashed=True)
    return _inspect_hub(source, revision, trust_remote_code=trust_remote_code, cache_dir=cache_dir)


def weights_hash(files: list[Path]) -> str:
    """Return the SHA-256 over the weight files, each as "name\\nsize\\n" then its bytes, in name order.

    Every byte is hashed, not only the safetensors headers: a fine-tuned model saved over the
    old one keeps its shapes, and a header-only hash would let old results be reused for it.
    This reads the whole model once at registration (about a second per GB from a local disk).
    """
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.name):
        digest.update(f"{file.name}\n{file.stat().st_size}\n".encode())
        with open(file, "rb") as handle:
            for chunk in iter(lambda: handle.read(4 * 1024 * 1024), b""):
                digest.update(chunk)
    return digest.hexdigest()


def safetensors_header(file: Path) -> dict:
    """Return the JSON header of a safetensors file (tensor names to dtype, shape, offsets).

    Errors never quote what was read: the first 8 bytes of a text file read as a header length
    spell its first characters ("root:x:0" is 3475222254926655346), so echoing them would show
    the content of a file that is not a model's.
    """
    invalid = f"{file.name} is not a valid safetensors file"
    try:
        with open(file, "rb") as handle:
            raw_length = handle.read(8)
            if len(raw_length) != 8:
                raise InspectionError(f"{invalid} (too short)")
            (length,) = struct.unpack("<Q", raw_length)
            if length > min(_MAX_HEADER_BYTES, file.stat().st_size - 8):
                raise InspectionError(f"{invalid} (its header length does not fit the file)")
            header = json.loads(handle.read(length))
    except OSError as error:
        raise InspectionError(f"{file.name} cannot be read ({error.strerror or type(error).__name__})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InspectionError(f"{invalid} (its header is not JSON)") from None
    if not isinstance(header, dict):
        raise InspectionError(f"{file.name} is not a valid safetensors file (header is not an object)")
    return header


def _inspect_directory(folder: Path, *, label: str, trust_remote_code: bool, hashed: bool) -> ModelInfo:
    config = _read_json(folder / "config.json", label)
    _refuse_remote_code(folder, config, label, trust_remote_code)
    architecture = _architecture(config, label)
    kind = non_causal_kind(config)
    if kind is not None:
        raise InspectionError(f"{label}: {architecture} is {kind}; {SCOPE}")
    try:
        # A hub snapshot may hold only the small files; its shard count then comes from the hub.
        check_model_files(folder, require_shards=hashed)
        shards = _model_shards(folder, local=hashed)
    except ModelFileError as error:
        raise InspectionError(f"{label}: {error}") from None
    files = [f for f in folder.iterdir() if f.is_file()]
    safetensors = [f for f in files if f.suffix == ".safetensors"]
    pickles = [f for f in files if f.suffix in _PICKLE_SUFFIXES and f.name not in _NOT_WEIGHTS]
    headers = [safetensors_header(f) for f in shards]
    parameter_count = sum(sum(_tensor_sizes(h, label)) for h in headers) if headers else None
    vocab_size = _config_value(config, ("vocab_size",))
    tokenizer_vocab = _tokenizer_vocab_size(folder, label)
    warnings = []
    if vocab_size is not None and tokenizer_vocab is not None and tokenizer_vocab > vocab_size:
        # Smaller is normal (embeddings padded to a multiple of 64); larger means some token
        # ids have no embedding row, and the model fails on any text that produces them.
        warnings.append(f"the tokenizer has {tokenizer_vocab} tokens but the model's vocab_size is "
                        f"{vocab_size}; texts using the extra tokens will fail")
        logger.warning("%s: %s", label, warnings[-1])
    return ModelInfo(
        architecture=architecture,
        parameter_count=parameter_count,
        context_length=_config_value(config, _CONTEXT_KEYS),
        vocab_size=vocab_size if vocab_size is not None else tokenizer_vocab,
        dtype=_dtype(config, headers),
        weights_sha256=weights_hash(safetensors + pickles) if hashed and (safetensors or pickles) else "",
        has_safetensors=bool(safetensors),
        has_pickle_weights=bool(pickles),
        tokenizer_vocab_size=tokenizer_vocab,
        warnings=tuple(warnings),
    )


def _inspect_hub(repo_id: str, revision: str | None, *, trust_remote_code: bool,
                 cache_dir: str | Path | None) -> ModelInfo:
    # Imported here: only hub registrations need it.
    from huggingface_hub import hf_hub_download

    label = f"{repo_id}@{revision}" if revision else repo_id
    try:
        config_path = Path(hf_hub_download(repo_id, "config.json", revision=revision, cache_dir=cache_dir))
    except Exception as error:  # offline-and-not-cached, unknown repo, gated repo, bad revision...
        raise InspectionError(
            f"cannot read config.json of {label} ({type(error).__name__}); the model must be in the local "
            "Hugging Face cache at that revision, or the hub must be reachable") from None
    snapshot = config_path.parent
    # Small files next to the config are fetched too when possible, so the tokenizer and the
    # safetensors index can be read; missing ones are simply skipped.
    for name in ("tokenizer.json", "tokenizer_config.json", "model.safetensors.index.json"):
        try:
            hf_hub_download(repo_id, name, revision=revision, cache_dir=cache_dir)
        except Exception:
            pass
    info = _inspect_directory(snapshot, label=label, trust_remote_code=trust_remote_code, hashed=False)
    if info.parameter_count is None:
        info = _with_remote_parameter_count(info, repo_id, revision)
    return info


def _with_remote_parameter_count(info: ModelInfo, repo_id: str, revision: str | None) -> ModelInfo:
    """Fill the parameter count from the hub's safetensors headers (range requests, no weights)."""
    from dataclasses import replace

    from huggingface_hub import get_safetensors_metadata

    try:
        metadata = get_safetensors_metadata(repo_id, revision=revision)
    except Exception:  # offline, or no safetensors in the repo: the count stays unknown
        return info
    count = sum(metadata.parameter_count.values())
    return replace(info, parameter_count=count, has_safetensors=True)


def _tensor_sizes(header: dict, label: str) -> list[int]:
    sizes = []
    for name, tensor in header.items():
        if name == "__metadata__":
            continue
        shape = tensor.get("shape") if isinstance(tensor, dict) else None
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise InspectionError(f"{label}: tensor '{name}' has no valid shape in its safetensors header")
        sizes.append(prod(shape))
    return sizes


def _model_shards(folder: Path, *, local: bool) -> list[Path]:
    """Return the safetensors files holding the model: the index's shards, else model.safetensors."""
    shards = shard_files(folder, require_all=local)
    if shards is not None:
        return shards
    single = folder / "model.safetensors"
    return [single] if single.is_file() else []


def _read_json(file: Path, label: str) -> dict:
    if not file.is_file():
        raise InspectionError(f"{label} has no {file.name}; is this the folder a model was saved to "
                              "with save_pretrained()?")
    try:
        value = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise InspectionError(f"{label}: cannot read {file.name} ({error.strerror or type(error).__name__})") from None
    except UnicodeDecodeError:  # its message would quote the offending byte
        raise InspectionError(f"{label}: {file.name} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise InspectionError(f"{label}: {file.name} is not valid JSON: {error.msg} "
                              f"(line {error.lineno}, column {error.colno})") from None
    if not isinstance(value, dict):
        raise InspectionError(f"{label}: {file.name} must hold a JSON object")
    return value


def _refuse_remote_code(folder: Path, config: dict, label: str, trust_remote_code: bool) -> None:
    if trust_remote_code:
        return
    asks = [name for name, data in (("config.json", config),
                                    ("tokenizer_config.json", _optional_json(folder / "tokenizer_config.json")))
            if data.get("auto_map")]
    if asks:
        raise InspectionError(f"{label} asks to run its own code (auto_map in {asks[0]}); an administrator "
                              "must enable trust_remote_code for this model")


def _optional_json(file: Path) -> dict:
    try:
        value = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _architecture(config: dict, label: str) -> str:
    architectures = config.get("architectures")
    if isinstance(architectures, list) and architectures and isinstance(architectures[0], str):
        return architectures[0]
    if isinstance(config.get("model_type"), str) and config["model_type"]:
        return config["model_type"]
    raise InspectionError(f"{label}: config.json names neither 'architectures' nor 'model_type'")


def _config_value(config: dict, keys: tuple[str, ...]) -> int | None:
    # Multimodal and some newer configs keep the language model's numbers under text_config.
    for scope in (config, config.get("text_config") or {}):
        for key in keys:
            value = scope.get(key) if isinstance(scope, dict) else None
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
    return None


def _dtype(config: dict, headers: list[dict]) -> str:
    for scope in (config, config.get("text_config") or {}):
        for key in ("dtype", "torch_dtype"):
            value = scope.get(key) if isinstance(scope, dict) else None
            if isinstance(value, str) and value:
                return value.removeprefix("torch.")
    # No dtype in the config: the one most tensors are stored in is what loading gives.
    counts = Counter(t.get("dtype") for h in headers for k, t in h.items() if k != "__metadata__")
    counts.pop(None, None)
    if counts:
        stored = counts.most_common(1)[0][0]
        return _SAFETENSORS_DTYPES.get(stored, str(stored).lower())
    return ""


def _tokenizer_vocab_size(folder: Path, label: str) -> int | None:
    file = folder / "tokenizer.json"
    if not file.is_file():
        return None
    from tokenizers import Tokenizer  # Rust bindings only: no torch.

    try:
        tokenizer = Tokenizer.from_file(str(file))
    except Exception as error:
        # The library's message may quote the file's content; keep only where it failed.
        where = re.search(r"line \d+ column \d+", str(error))
        raise InspectionError(f"{label}: tokenizer.json is not a tokenizer file the tokenizers library can "
                              f"load{f' ({where.group()})' if where else ''}") from None
    return tokenizer.get_vocab_size(with_added_tokens=True)
