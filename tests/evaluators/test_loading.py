"""Loading models: safetensors only unless allowed, clear errors, a recorded environment."""
from __future__ import annotations

import shutil

import pytest

from evaluators.core.base import EvaluationError, ModelRef
from evaluators.core.loading import check_weights_allowed, load_model, resolve_device, resolve_dtype


def _pickle_only_copy(tiny_model, tmp_path):
    copy = tmp_path / "pickled"
    shutil.copytree(tiny_model, copy)
    (copy / "model.safetensors").rename(copy / "pytorch_model.bin")
    return copy


def test_a_directory_with_only_pickle_weights_is_refused(tiny_model, tmp_path):
    copy = _pickle_only_copy(tiny_model, tmp_path)
    with pytest.raises(EvaluationError, match=r"has only pickle weights \(pytorch_model.bin\); "
                                              "Glassbox loads safetensors only unless "
                                              "allow_pickle_weights is set for this model"):
        load_model(ModelRef(str(copy)), device="cpu")


def test_allowing_pickle_weights_lifts_the_check(tiny_model, tmp_path):
    copy = _pickle_only_copy(tiny_model, tmp_path)
    check_weights_allowed(ModelRef(str(copy), allow_pickle_weights=True))


def test_a_directory_without_weights_is_refused(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(EvaluationError, match="holds no weights"):
        load_model(ModelRef(str(tmp_path)), device="cpu")


def test_a_model_that_is_not_there_is_a_clear_error(tmp_path):
    with pytest.raises(EvaluationError, match="cannot load model"):
        load_model(ModelRef("glassbox-test/no-such-model", revision="main"), device="cpu")


def test_the_loaded_model_is_in_eval_mode_on_the_cpu_in_float32(tiny):
    assert (tiny.device, tiny.dtype) == ("cpu", "float32")
    assert not tiny.model.training
    env = tiny.environment
    assert {"device", "dtype", "torch", "transformers", "evaluators", "python", "hostname"} <= set(env)
    assert "gpu" not in env


def test_devices_and_dtypes_resolve():
    import torch

    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_dtype("auto", "cpu") == "float32"
    assert resolve_dtype("float16", "cpu") == "float16"
    with pytest.raises(EvaluationError, match="unknown device"):
        resolve_device("tpu")
    with pytest.raises(EvaluationError, match="unknown precision"):
        resolve_dtype("float13", "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(EvaluationError, match="no CUDA GPU"):
            resolve_device("cuda")


def test_cudnn_attention_is_turned_off_for_gpus_unless_asked_for(monkeypatch):
    """cuDNN attention builds a plan per input shape (420 ms each on an H200); evaluations meet
    a new shape with most batches, so a GPU load turns it off. The CPU leaves the setting alone."""
    import torch

    from evaluators.core.loading import configure_attention_kernels

    before = torch.backends.cuda.cudnn_sdp_enabled()
    try:
        torch.backends.cuda.enable_cudnn_sdp(True)
        monkeypatch.delenv("GLASSBOX_CUDNN_ATTENTION", raising=False)
        assert configure_attention_kernels("cpu") is False
        assert torch.backends.cuda.cudnn_sdp_enabled() is True  # untouched on the CPU
        assert configure_attention_kernels("cuda") is False
        assert torch.backends.cuda.cudnn_sdp_enabled() is False
        monkeypatch.setenv("GLASSBOX_CUDNN_ATTENTION", "1")
        assert configure_attention_kernels("cuda:0") is True
        assert torch.backends.cuda.cudnn_sdp_enabled() is True
    finally:
        torch.backends.cuda.enable_cudnn_sdp(before)
