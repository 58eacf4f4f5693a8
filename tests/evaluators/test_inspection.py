"""Inspecting a saved model from its config, tokenizer and safetensors headers, never its weights."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evaluators.core.inspection import InspectionError, inspect_model

REPO = Path(__file__).resolve().parents[2]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory) -> Path:
    from evaluators.demo.models import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("inspect") / "tiny", seed=0, context_length=96)


def config_only(folder: Path, config: dict, **files: bytes | str) -> Path:
    """A directory holding config.json and whatever other files a test needs."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config))
    for name, content in files.items():
        target = folder / name.replace("__", ".")
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    return folder


def save_tensors(path: Path, shapes: dict[str, tuple[int, ...]], dtype: str = "float16") -> None:
    import torch
    from safetensors.torch import save_file

    save_file({name: torch.zeros(shape, dtype=getattr(torch, dtype)) for name, shape in shapes.items()}, str(path))


def test_a_saved_model_is_described_from_its_config_tokenizer_and_headers(saved_model):
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    info = inspect_model(str(saved_model))

    tensors = load_file(str(saved_model / "model.safetensors"))
    assert info.parameter_count == sum(t.numel() for t in tensors.values())
    assert info.architecture == "LlamaForCausalLM"
    assert info.context_length == 96
    tokenizer = AutoTokenizer.from_pretrained(str(saved_model))
    assert info.vocab_size == info.tokenizer_vocab_size == len(tokenizer)
    assert info.dtype == str(next(iter(tensors.values())).dtype).removeprefix("torch.") == "float32"
    assert info.has_safetensors and not info.has_pickle_weights
    assert info.warnings == ()


def test_the_weights_hash_covers_every_byte_of_the_weight_files_in_name_order(saved_model):
    weights = saved_model / "model.safetensors"
    expected = hashlib.sha256(b"model.safetensors\n" + str(weights.stat().st_size).encode() + b"\n"
                              + weights.read_bytes()).hexdigest()
    assert inspect_model(str(saved_model)).weights_sha256 == expected


def test_importing_inspection_pulls_in_neither_torch_nor_transformers():
    code = "import sys, evaluators.core.inspection; print('torch' in sys.modules, 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_inspecting_a_saved_model_imports_no_torch(saved_model):
    code = (f"import sys, evaluators.core.inspection as i; info = i.inspect_model({str(saved_model)!r}); "
            "print(info.parameter_count, 'torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "False"


def test_sharded_weights_are_counted_over_every_shard_of_the_index(tmp_path):
    folder = config_only(tmp_path / "m", {"model_type": "gpt2", "n_positions": 1024, "vocab_size": 50})
    save_tensors(folder / "model-00001-of-00002.safetensors", {"a": (50, 8), "b": (8,)})
    save_tensors(folder / "model-00002-of-00002.safetensors", {"c": (3, 4, 5)})
    (folder / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": {
        "a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
        "c": "model-00002-of-00002.safetensors"}}))
    info = inspect_model(str(folder))
    assert info.parameter_count == 50 * 8 + 8 + 3 * 4 * 5
    assert info.architecture == "gpt2"  # no "architectures": the model type stands in
    assert info.context_length == 1024  # GPT-2 calls it n_positions
    assert info.dtype == "float16"  # no dtype in the config: the stored tensors' dtype


def test_numbers_nested_under_text_config_are_found(tmp_path):
    folder = config_only(tmp_path / "m", {"architectures": ["LlavaForConditionalGeneration"],
                                          "text_config": {"max_position_embeddings": 4096, "vocab_size": 32064,
                                                          "torch_dtype": "bfloat16"}})
    info = inspect_model(str(folder))
    assert (info.context_length, info.vocab_size, info.dtype) == (4096, 32064, "bfloat16")
    assert info.parameter_count is None and not info.has_safetensors and info.weights_sha256 == ""


def test_pickle_weights_are_noticed_but_never_opened(tmp_path):
    folder = config_only(tmp_path / "m", {"model_type": "llama"}, pytorch_model__bin=b"not really a pickle",
                         training_args__bin=b"x")
    info = inspect_model(str(folder))
    assert info.has_pickle_weights and not info.has_safetensors
    size = len(b"not really a pickle")
    assert info.weights_sha256 == hashlib.sha256(f"pytorch_model.bin\n{size}\n".encode()
                                                 + b"not really a pickle").hexdigest()


def test_a_tokenizer_larger_than_the_embedding_gives_a_warning(saved_model, tmp_path):
    folder = config_only(tmp_path / "m", {"model_type": "llama", "vocab_size": 10},
                         tokenizer__json=(saved_model / "tokenizer.json").read_bytes())
    info = inspect_model(str(folder))
    assert info.vocab_size == 10 and info.tokenizer_vocab_size > 10
    assert "texts using the extra tokens will fail" in info.warnings[0]


def test_a_config_asking_for_remote_code_is_refused_unless_trusted(tmp_path):
    folder = config_only(tmp_path / "m", {"architectures": ["Custom"], "model_type": "custom",
                                          "auto_map": {"AutoModelForCausalLM": "modeling.Custom"}})
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(folder))
    assert str(caught.value) == (f"{folder} asks to run its own code (auto_map in config.json); an administrator "
                                 "must enable trust_remote_code for this model")
    assert inspect_model(str(folder), trust_remote_code=True).architecture == "Custom"


def test_a_tokenizer_config_asking_for_remote_code_is_refused(tmp_path):
    folder = config_only(tmp_path / "m", {"model_type": "llama"},
                         tokenizer_config__json=json.dumps({"auto_map": {"AutoTokenizer": ["tok.T", None]}}))
    with pytest.raises(InspectionError, match=r"auto_map in tokenizer_config.json"):
        inspect_model(str(folder))


@pytest.mark.parametrize("content, message", [
    ("{not json", "config.json is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)"),
    ("[1, 2]", "config.json must hold a JSON object"),
    ("{}", "config.json names neither 'architectures' nor 'model_type'"),
])
def test_a_broken_config_is_refused_with_what_is_wrong(tmp_path, content, message):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text(content)
    with pytest.raises(InspectionError) as caught:
        inspect_model(str(folder))
    assert str(caught.value) == f"{folder}: {message}"


def test_a_missing_directory_or_config_is_refused(tmp_path):
    with pytest.raises(InspectionError, match="does not exist"):
        inspect_model(str(tmp_path / "nowhere"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(InspectionError, match="is not a directory"):
        inspect_model(str(tmp_path / "file"))
    with pytest.raises(InspectionError, match=r"has no config.json; is this the folder a model was saved to"):
        inspect_model(str(tmp_path))


def test_a_corrupt_safetensors_header_is_refused(tmp_path):
    folder = config_only(tmp_path / "m", {"model_type": "llama"},
                         model__safetensors=(10**9).to_bytes(8, "little") + b"{}")
    with pytest.raises(InspectionError, match="model.safetensors is not a valid safetensors file"):
        inspect_model(str(folder))


def test_a_hub_model_is_read_from_the_local_cache_at_its_revision(saved_model, tmp_path):
    snapshot = tmp_path / "hub" / "models--acme--tiny" / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        os.link(saved_model / name, snapshot / name)
    local = inspect_model(str(saved_model))
    hub = inspect_model("acme/tiny", COMMIT, cache_dir=tmp_path / "hub")
    assert (hub.architecture, hub.parameter_count, hub.context_length, hub.vocab_size) == (
        local.architecture, local.parameter_count, local.context_length, local.vocab_size)
    assert hub.weights_sha256 == ""  # the commit pins the bytes


def test_a_hub_model_missing_from_the_cache_is_a_clear_error_offline(tmp_path):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    with pytest.raises(InspectionError) as caught:
        inspect_model("acme/absent", COMMIT, cache_dir=tmp_path)
    assert str(caught.value).startswith(f"cannot read config.json of acme/absent@{COMMIT}")
    assert "local Hugging Face cache" in str(caught.value)
