"""Registration reads only the model's own files, and takes only causal language models."""
import json
import struct

import pytest

from glassbox.registry.models import Model
from glassbox.registry.services import RegistrationError, register_model
from tests.evaluators.non_causal_models import SHAPES, build_non_causal

pytestmark = pytest.mark.django_db
SCOPE = "Glassbox evaluates causal (decoder-only) language models"


def refused(source) -> RegistrationError:
    with pytest.raises(RegistrationError) as caught:
        register_model(name="Model", source=str(source))
    assert Model.objects.count() == 0, "nothing may be saved when registration is refused"
    assert caught.value.field == "source"
    return caught.value


def as_one_shard(model_dir, *names: str) -> None:
    (model_dir / "model.safetensors").rename(model_dir / "model-00001-of-00001.safetensors")
    weight_map = {f"tensor{i}": name for i, name in enumerate(names)}
    (model_dir / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))


def test_an_index_naming_etc_passwd_is_refused_without_reading_it(model_dir):
    as_one_shard(model_dir, "model-00001-of-00001.safetensors", "../../../../../../etc/passwd")
    error = refused(model_dir)
    assert str(error) == (f"{model_dir}: model.safetensors.index.json names '../../../../../../etc/passwd', which "
                          "is outside the model's folder; the model is refused without reading it")
    assert "header length" not in str(error)


def test_an_index_naming_a_file_elsewhere_in_the_model_roots_is_refused(model_dir, tmp_path):
    # Inside GLASSBOX_MODEL_ROOTS (the test's temp dir), but not the model's own file.
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n" * 4)
    as_one_shard(model_dir, "model-00001-of-00001.safetensors", "../../secret.txt")
    error = refused(model_dir)
    assert "'../../secret.txt', which is outside the model's folder" in str(error)
    (length,) = struct.unpack("<Q", secret.read_bytes()[:8])
    assert str(length) not in str(error) and "root:x" not in str(error)
    (model_dir / "linked.safetensors").symlink_to(secret)
    (model_dir / "model.safetensors.index.json").write_text(
        json.dumps({"weight_map": {"a": "model-00001-of-00001.safetensors", "b": "linked.safetensors"}}))
    assert "'linked.safetensors', which links outside the model's folder" in str(refused(model_dir))


def test_a_shard_the_index_names_that_is_missing_is_refused(model_dir):
    as_one_shard(model_dir, "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")
    error = refused(model_dir)
    assert str(error) == (f"{model_dir}: model.safetensors.index.json names 'model-00001-of-00002.safetensors' and "
                          "1 more, which is missing from the model's folder; copy every shard the index lists")


def test_a_complete_index_registers_with_its_parameter_count(model_dir):
    from safetensors.torch import load_file

    expected = sum(t.numel() for t in load_file(str(model_dir / "model.safetensors")).values())
    as_one_shard(model_dir, "model-00001-of-00001.safetensors")
    assert register_model(name="Sharded", source=str(model_dir)).parameter_count == expected


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_model_that_is_not_a_causal_lm_is_refused_in_one_line(name, tmp_path):
    _, model_class, _, kind = SHAPES[name]
    folder = build_non_causal(tmp_path / "models", name)
    error = refused(folder)
    assert str(error) == f"{folder}: {model_class} is {kind}; {SCOPE}"
    assert "\n" not in str(error)
