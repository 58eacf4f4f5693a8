"""Files a model's metadata names must lie inside its folder: a shard index, a versioned config or
tokenizer file pointing elsewhere is refused without being read, and no error quotes file bytes."""
from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import pytest

from evaluators.core.base import EvaluationError, ModelRef
from evaluators.core.inspection import InspectionError, inspect_model
from evaluators.core.loading import load_model

SECRET = b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" * 4
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def sharded(tiny_model, tmp_path) -> Path:
    """The tiny model saved as one shard named by an index, next to a secret outside its folder."""
    (tmp_path / "secret.txt").write_bytes(SECRET)
    folder = Path(shutil.copytree(tiny_model, tmp_path / "models" / "tiny"))
    (folder / "model.safetensors").rename(folder / "model-00001-of-00001.safetensors")
    write_index(folder, "model-00001-of-00001.safetensors")
    return folder


def write_index(folder: Path, *shards: str) -> None:
    from safetensors import safe_open

    names = ["weight"]  # tensor names matter only to loading, which needs the real shard's
    real = folder / "model-00001-of-00001.safetensors"
    if real.is_file():
        with safe_open(str(real), "pt") as handle:
            names = list(handle.keys())
    weight_map = {name: shards[i % len(shards)] for i, name in enumerate(names)}
    (folder / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": weight_map}))


def assert_no_secret(message: str) -> None:
    (length,) = struct.unpack("<Q", SECRET[:8])  # what a header-length read of the secret gives
    assert "root:x" not in message and str(length) not in message, message


def test_a_correct_index_is_read_shard_by_shard(sharded, tiny_model):
    from safetensors.torch import load_file

    info = inspect_model(str(sharded))
    tensors = load_file(str(tiny_model / "model.safetensors"))
    assert info.parameter_count == sum(t.numel() for t in tensors.values())


@pytest.mark.parametrize("name", ["../../../../../../etc/passwd", "../../secret.txt", "sub/../../../secret.txt"])
def test_an_index_naming_a_file_above_the_folder_is_refused_unread(sharded, name):
    write_index(sharded, "model-00001-of-00001.safetensors", name)
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(sharded))
    assert str(caught.value) == (f"{sharded}: model.safetensors.index.json names {name!r}, which is outside the "
                                 "model's folder; the model is refused without reading it")
    assert_no_secret(str(caught.value))


def test_an_absolute_path_in_the_index_is_refused(sharded, tmp_path):
    write_index(sharded, str(tmp_path / "secret.txt"))
    with pytest.raises(InspectionError, match="which is outside the model's folder"):
        inspect_model(str(sharded))


def test_a_shard_that_links_out_of_the_folder_is_refused(sharded, tmp_path):
    (sharded / "model-00002-of-00002.safetensors").symlink_to(tmp_path / "secret.txt")
    write_index(sharded, "model-00001-of-00001.safetensors", "model-00002-of-00002.safetensors")
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(sharded))
    assert "'model-00002-of-00002.safetensors', which links outside the model's folder" in str(caught.value)
    assert_no_secret(str(caught.value))


def test_a_shard_the_index_names_but_the_folder_lacks_is_refused(sharded):
    write_index(sharded, "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(sharded))
    assert str(caught.value) == (f"{sharded}: model.safetensors.index.json names 'model-00001-of-00002.safetensors' "
                                 "and 1 more, which is missing from the model's folder; copy every shard the "
                                 "index lists")


def test_a_text_file_in_place_of_the_weights_is_not_quoted(tiny_model, tmp_path):
    folder = Path(shutil.copytree(tiny_model, tmp_path / "m"))
    (folder / "model.safetensors").write_bytes(SECRET)
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(folder))
    assert str(caught.value).startswith("model.safetensors is not a valid safetensors file")
    assert_no_secret(str(caught.value))
    # A header length that fits but whose bytes are not JSON: still not quoted.
    (folder / "model.safetensors").write_bytes(struct.pack("<Q", 16) + b"\xffroot:x:0:0:root" + b"\0" * 32)
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(folder))
    assert str(caught.value) == "model.safetensors is not a valid safetensors file (its header is not JSON)"


def test_a_tokenizer_file_that_fails_to_parse_is_not_quoted(tiny_model, tmp_path):
    folder = Path(shutil.copytree(tiny_model, tmp_path / "m"))
    # The tokenizers library would answer "Unknown tokenizer version 'root:x:0:0' at line 1 column 25".
    (folder / "tokenizer.json").write_text('{"version": "root:x:0:0"}')
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(folder))
    assert str(caught.value) == (f"{folder}: tokenizer.json is not a tokenizer file the tokenizers library can "
                                 "load (line 1 column 25)")


@pytest.mark.parametrize("config_name, key, name", [
    ("config.json", "configuration_files", "../secret/config.4.0.0.json"),
    ("tokenizer_config.json", "fast_tokenizer_files", "../secret/tokenizer.4.0.0.json"),
])
def test_versioned_config_and_tokenizer_files_must_stay_inside(tiny_model, tmp_path, config_name, key, name):
    folder = Path(shutil.copytree(tiny_model, tmp_path / "m"))
    data = json.loads((folder / config_name).read_text())
    data[key] = [name]
    (folder / config_name).write_text(json.dumps(data))
    expected = f"{config_name} ({key}) names {name!r}, which is outside the model's folder"
    with pytest.raises(InspectionError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        inspect_model(str(folder))
    with pytest.raises(EvaluationError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_model(ModelRef(str(folder)), device="cpu")


def test_loading_refuses_an_index_pointing_outside_before_transformers_opens_it(sharded):
    write_index(sharded, "model-00001-of-00001.safetensors", "../../secret.txt")
    with pytest.raises(EvaluationError) as caught:
        load_model(ModelRef(str(sharded)), device="cpu")
    assert str(caught.value) == ("model tiny: model.safetensors.index.json names '../../secret.txt', which is "
                                 "outside the model's folder; the model is refused without reading it")


def test_loading_refuses_a_missing_shard(sharded):
    write_index(sharded, "model-00001-of-00001.safetensors", "model-00002-of-00002.safetensors")
    with pytest.raises(EvaluationError, match="names 'model-00002-of-00002.safetensors', which is missing"):
        load_model(ModelRef(str(sharded)), device="cpu")


def test_a_sharded_model_still_loads(sharded, tiny):
    import torch

    loaded = load_model(ModelRef(str(sharded)), device="cpu")
    ids = torch.tensor([[1, 5, 9, 13]])
    with torch.no_grad():
        assert torch.equal(loaded.model(ids).logits, tiny.model(ids).logits)


def hub_snapshot(tiny_model: Path, cache: Path) -> Path:
    """A Hugging Face cache layout: snapshot files are links into the repository's blobs/."""
    repo = cache / "models--acme--tiny"
    snapshot = repo / "snapshots" / COMMIT
    (repo / "blobs").mkdir(parents=True)
    snapshot.mkdir(parents=True)
    for index, name in enumerate(("config.json", "tokenizer.json", "model.safetensors")):
        blob = repo / "blobs" / f"blob{index}"
        shutil.copy(tiny_model / name, blob)
        (snapshot / name).symlink_to(os.path.relpath(blob, snapshot))
    return snapshot


@pytest.fixture
def no_token_file(monkeypatch, tmp_path):
    """The hub client looks for a login token in the home folder; point it inside the test's folder."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))


def test_a_hub_snapshot_whose_files_link_into_its_blobs_is_accepted(tiny_model, tmp_path, no_token_file):
    snapshot = hub_snapshot(tiny_model, tmp_path / "hub")
    (snapshot / "model.safetensors").rename(snapshot / "model-00001-of-00001.safetensors")
    write_index(snapshot, "model-00001-of-00001.safetensors")
    local = inspect_model(str(tiny_model))
    assert inspect_model("acme/tiny", COMMIT, cache_dir=tmp_path / "hub").parameter_count == local.parameter_count
    # The same snapshot given as a local folder: its links into blobs/ are its own files too.
    assert inspect_model(str(snapshot)).parameter_count == local.parameter_count


def test_a_hub_snapshot_link_leaving_the_repository_is_refused(tiny_model, tmp_path, no_token_file):
    snapshot = hub_snapshot(tiny_model, tmp_path / "hub")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (snapshot / "evil.safetensors").symlink_to(tmp_path / "secret.txt")
    write_index(snapshot, "evil.safetensors")
    with pytest.raises(InspectionError, match="'evil.safetensors', which links outside the model's folder"):
        inspect_model("acme/tiny", COMMIT, cache_dir=tmp_path / "hub")


def test_loading_a_hub_model_checks_its_cached_snapshot(tiny_model, tmp_path, monkeypatch, no_token_file):
    import huggingface_hub.constants

    snapshot = hub_snapshot(tiny_model, tmp_path / "hub")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    write_index(snapshot, "../../../../secret.txt")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(EvaluationError) as caught:
        load_model(ModelRef("acme/tiny", revision=COMMIT), device="cpu")
    assert str(caught.value) == ("model acme/tiny: model.safetensors.index.json names '../../../../secret.txt', "
                                 "which is outside the model's folder; the model is refused without reading it")


def test_a_config_that_is_not_text_is_refused_without_quoting_its_bytes(tiny_model, tmp_path):
    folder = Path(shutil.copytree(tiny_model, tmp_path / "m"))
    (folder / "config.json").write_bytes(b"\x7fELF\x02\x01\x01\xfe\xff")
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(folder))
    assert str(caught.value) == f"{folder}: config.json is not UTF-8 text"
