"""Registering models: local folders inside the model roots, hub ids pinned to a commit."""
import hashlib
import json
import os
from pathlib import Path

import pytest

from glassbox.registry.models import Model
from glassbox.registry.services import RegistrationError, register_model

pytestmark = pytest.mark.django_db
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def refused(**kwargs) -> RegistrationError:
    with pytest.raises(RegistrationError) as caught:
        register_model(**{"name": "Tiny", **kwargs})
    assert Model.objects.count() == 0, "nothing may be saved when registration is refused"
    return caught.value


def test_a_local_model_is_registered_with_what_its_files_say(model_dir):
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    model = register_model(name="Tiny Llama", source=str(model_dir), description="for tests",
                           license="MIT", tags=["tiny", " test ", "tiny", ""])

    weights = model_dir / "model.safetensors"
    assert model.parameter_count == sum(t.numel() for t in load_file(str(weights)).values())
    assert (model.architecture, model.context_length, model.dtype) == ("LlamaForCausalLM", 64, "float32")
    assert model.vocab_size == len(AutoTokenizer.from_pretrained(str(model_dir)))
    assert model.weights_sha256 == hashlib.sha256(
        f"model.safetensors\n{weights.stat().st_size}\n".encode() + weights.read_bytes()).hexdigest()
    assert (model.slug, model.source_kind, model.source, model.revision) == (
        "tiny-llama", Model.SourceKind.LOCAL, str(model_dir.resolve()), "")
    assert model.tags == ["tiny", "test"]
    assert not model.trust_remote_code and not model.allow_pickle_weights
    assert Model.objects.get().pk == model.pk


def test_slugs_are_unique_and_a_taken_slug_is_refused(model_dir):
    first = register_model(name="Tiny", source=str(model_dir))
    second = register_model(name="Tiny", source=str(model_dir))
    assert (first.slug, second.slug) == ("tiny", "tiny-2")
    with pytest.raises(RegistrationError) as caught:
        register_model(name="Other", source=str(model_dir), slug="tiny")
    assert (caught.value.field, str(caught.value)) == ("slug", "this slug is not available; choose another")
    assert register_model(name="Register", source=str(model_dir)).slug == "register-2"  # a page's path


def test_a_path_outside_the_model_roots_is_refused(model_dir, settings, tmp_path):
    settings.GLASSBOX_MODEL_ROOTS = [(tmp_path / "allowed").resolve()]
    error = refused(source=str(model_dir))
    assert error.field == "source"
    assert str(error).startswith(f"{model_dir} is outside the folders models may be loaded from; move it under")


def test_a_dot_dot_traversal_is_refused_even_when_it_lands_inside(model_dir):
    error = refused(source=str(model_dir / ".." / "tiny"))
    assert str(error) == "a local model path must not contain '..'"


def test_a_symlink_pointing_out_of_the_roots_is_refused(model_dir, settings, tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    settings.GLASSBOX_MODEL_ROOTS = [allowed.resolve()]
    link = allowed / "sneaky"
    link.symlink_to(model_dir, target_is_directory=True)
    error = refused(source=str(link))
    assert f"(it is a link to {model_dir.resolve()})" in str(error)


def test_a_weight_file_linking_out_of_the_roots_is_refused(model_dir, settings, tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    settings.GLASSBOX_MODEL_ROOTS = [allowed.resolve()]
    inside = allowed / "tiny"
    inside.mkdir()
    for entry in model_dir.iterdir():
        if entry.name == "model.safetensors":
            (inside / entry.name).symlink_to(entry)
        else:
            (inside / entry.name).write_bytes(entry.read_bytes())
    error = refused(source=str(inside))
    assert str(error).startswith(f"model.safetensors in {inside} links to {(model_dir / 'model.safetensors').resolve()}")


def test_a_symlink_staying_inside_the_roots_is_stored_resolved(model_dir, tmp_path):
    link = tmp_path / "alias"
    link.symlink_to(model_dir, target_is_directory=True)
    assert register_model(name="Alias", source=str(link)).source == str(model_dir.resolve())


def test_a_missing_directory_a_file_and_a_relative_path_are_refused(tmp_path):
    assert str(refused(source=str(tmp_path / "absent"))) == f"{tmp_path / 'absent'} does not exist"
    (tmp_path / "weights.bin").write_bytes(b"x")
    assert "is not a directory" in str(refused(source=str(tmp_path / "weights.bin")))
    assert str(refused(source="./models/tiny")) == "a local model path must be absolute"
    assert str(refused(source="models/sub/tiny")) == "a local model path must be absolute"
    assert "hub id like 'owner/name'" in str(refused(source="gpt2"))


def test_a_broken_config_is_refused_with_its_problem(model_dir):
    (model_dir / "config.json").write_text('{"architectures": ["LlamaForCausalLM"],')
    error = refused(source=str(model_dir))
    assert error.field == "source"
    assert str(error).startswith(f"{model_dir.resolve()}: config.json is not valid JSON")


def test_a_config_asking_for_remote_code_is_refused(model_dir):
    config = json.loads((model_dir / "config.json").read_text())
    config["auto_map"] = {"AutoModelForCausalLM": "modeling_tiny.Tiny"}
    (model_dir / "config.json").write_text(json.dumps(config))
    error = refused(source=str(model_dir))
    assert str(error).endswith("asks to run its own code (auto_map in config.json); an administrator must "
                               "enable trust_remote_code for this model")
    assert register_model(name="Tiny", source=str(model_dir), trust_remote_code=True).trust_remote_code


@pytest.mark.parametrize("revision", ["", "main", "v1.0", COMMIT[:12], COMMIT + "0"])
def test_a_hub_model_needs_a_full_commit_hash(revision):
    error = refused(source="acme/tiny", revision=revision)
    assert error.field == "revision"
    assert str(error).startswith("a hub model must be pinned to a commit: give the 40-character commit hash")


def test_a_hub_model_pinned_to_a_cached_commit_is_registered(model_dir, tmp_path, monkeypatch):
    import huggingface_hub.constants

    cache = tmp_path / "hf"
    snapshot = cache / "models--acme--tiny" / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        os.link(model_dir / name, snapshot / name)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    model = register_model(name="Hub tiny", source="acme/tiny", revision=COMMIT.upper())
    assert (model.source_kind, model.revision, model.architecture) == (Model.SourceKind.HUB, COMMIT, "LlamaForCausalLM")
    assert model.weights_sha256 == ""


def test_a_hub_model_not_in_the_cache_is_refused_offline(tmp_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    assert "local Hugging Face cache" in str(refused(source="acme/absent", revision=COMMIT))


def test_a_local_model_takes_no_revision(model_dir):
    assert refused(source=str(model_dir), revision=COMMIT).field == "revision"


def test_a_folder_without_weights_or_with_only_pickle_weights_is_refused(model_dir):
    weights = model_dir / "model.safetensors"
    weights.unlink()
    assert "holds no weights" in str(refused(source=str(model_dir)))
    (model_dir / "pytorch_model.bin").write_bytes(b"pickle")
    assert "only pickle weights" in str(refused(source=str(model_dir)))
    model = register_model(name="Tiny", source=str(model_dir), allow_pickle_weights=True)
    assert model.allow_pickle_weights


def test_paths_are_normalised_before_the_roots_check(model_dir):
    # A trailing slash or a doubled separator names the same folder.
    assert register_model(name="Tiny", source=str(model_dir) + "/").source == str(Path(model_dir).resolve())
